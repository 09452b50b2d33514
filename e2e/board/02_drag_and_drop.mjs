// Drags on the day timeline: tray to technician, blocked and warning drops, resize, Escape, Delete, Ctrl+Z.
import { OTHER, OUT, TECH, alerts, check, drag, go_home, job_of, page, point, settle, state, step, store, timeline_of, until } from "./page.mjs";

await step("tray → technician at 10:00", async () => {
	const s = await store();
	state.booked = s.tray[0];
	const before = (await job_of(state.booked)).status;
	const item = page.locator(`.gdb-tray-item[data-job="${state.booked}"]`);
	const { x, y } = await point(TECH, 10);
	const { level } = await drag(item, x, y, { before_release: () => page.screenshot({ path: `${OUT}/drag_hover.png` }) });
	const job = await until(async () => {
		const j = await job_of(state.booked);
		return j.status === "Scheduled" ? j : null;
	});
	const tl = await timeline_of(state.booked);
	check(
		"tray → technician at 10:00",
		job && job.assigned_technician === TECH && String(job.scheduled_start).slice(11, 16) === "10:00" && tl.slice(-2).join() === "schedule_propose,schedule_confirm",
		`${state.booked} (${before}, hover ${level}) → ${job && job.assigned_technician} ${job && job.scheduled_start} ${job && job.status}; timeline ${tl.join(">")}`
	);
	await settle();
	await page.locator(`.gdb-row[data-tech="${TECH}"] [data-job="${state.booked}"]`).waitFor({ timeout: 5000 });
});

await step("blocked drop (day off): nothing changed", async () => {
	// The next Sunday: a day off for the demo's technicians.
	const sunday = await page.evaluate(() => {
		const s = window.gigafibre_dispatch_board.store;
		const d = new Date(`${s.date}T00:00:00Z`);
		d.setUTCDate(d.getUTCDate() + ((7 - d.getUTCDay()) % 7 || 7));
		return d.toISOString().slice(0, 10);
	});
	await page.evaluate((d) => window.gigafibre_dispatch_board.store.go_day(d), sunday);
	await settle();
	const victim = (await store()).tray[0];
	const before = await job_of(victim);
	const requests = [];
	const listen = (r) => r.url().includes("api.board.drop") && requests.push(r.url());
	page.on("request", listen);
	const { level, message } = await drag(page.locator(`.gdb-tray-item[data-job="${victim}"]`), ...Object.values(await point("DEMO-T01", 10)), {
		before_release: () => page.screenshot({ path: `${OUT}/drag_blocked.png` }),
	});
	await page.waitForTimeout(600);
	page.off("request", listen);
	const after = await job_of(victim);
	const shown = await alerts();
	check(
		"blocked drop: red, refused, nothing changed",
		level === "blocked" && after.status === before.status && !after.assigned_technician && requests.length === 0 && shown.some((a) => a.length > 10),
		`${victim} on ${sunday}: ${level} "${message}"; server ${after.status}; drop requests ${requests.length}; alert "${shown.slice(-1)}"`
	);
	await go_home();
});

await step("warning drop (outside the shift): state.booked, warning shown", async () => {
	const victim = (await store()).tray[0];
	const { level, message } = await drag(page.locator(`.gdb-tray-item[data-job="${victim}"]`), ...Object.values(await point(TECH, 6.5)), {
		before_release: () => page.screenshot({ path: `${OUT}/drag_warning.png` }),
	});
	const job = await until(async () => {
		const j = await job_of(victim);
		return j.status === "Scheduled" ? j : null;
	});
	await page.waitForTimeout(300);
	const shown = await alerts();
	check(
		"warning drop: orange, state.booked, warning shown",
		level === "warning" && job && job.assigned_technician === TECH && shown.length > 0,
		`${victim}: ${level} "${message}" → ${job && job.status} ${job && job.scheduled_start}; alerts ${JSON.stringify(shown.slice(-2))}`
	);
	await settle();
});

await step("resize: +1 h", async () => {
	const before = await job_of(state.booked);
	const handle = page.locator(`.gdb-row[data-tech="${TECH}"] [data-job="${state.booked}"] .gdb-resize`);
	await handle.scrollIntoViewIfNeeded();
	const b = await handle.boundingBox();
	await page.mouse.move(b.x + 3, b.y + b.height / 2);
	await page.mouse.down();
	for (let i = 1; i <= 8; i++) await page.mouse.move(b.x + 3 + (72 * i) / 8, b.y + b.height / 2);
	await page.mouse.up();
	const after = await until(async () => {
		const j = await job_of(state.booked);
		return Number(j.duration_h) !== Number(before.duration_h) ? j : null;
	});
	check("resize: +1 h", after && Number(after.duration_h) === Number(before.duration_h) + 1 && after.status === "Scheduled", `${before.duration_h} h → ${after && after.duration_h} h`);
	await settle();
});

await step("Ctrl+Z undoes the resize (duration back on the server)", async () => {
	const before = await job_of(state.booked);
	await page.locator(".gdb-root").click({ position: { x: 5, y: 5 } }).catch(() => {});
	await page.keyboard.press("Control+z");
	const after = await until(async () => {
		const j = await job_of(state.booked);
		return Number(j.duration_h) === Number(before.duration_h) - 1 ? j : null;
	});
	check(
		"undo resize: the duration is back, same technician and start",
		!!after && after.assigned_technician === before.assigned_technician && after.scheduled_start === before.scheduled_start && after.status === "Scheduled",
		`${before.duration_h} h → ${after && after.duration_h} h; ${after && after.assigned_technician} ${after && after.scheduled_start}`
	);
	await settle();
});

await step("Escape cancels a drag with no request", async () => {
	const before = await job_of(state.booked);
	const writes = [];
	const listen = (r) => r.method() === "POST" && r.url().includes("/api/") && writes.push(r.url());
	page.on("request", listen);
	const el = page.locator(`.gdb-row[data-tech="${TECH}"] [data-job="${state.booked}"]`);
	const { x, y } = await point(OTHER, 14);
	await drag(el, x, y, {
		before_release: async () => {
			await page.keyboard.press("Escape");
			await page.waitForTimeout(100);
		},
	});
	await page.waitForTimeout(800);
	page.off("request", listen);
	const after = await job_of(state.booked);
	const gone = !(await page.locator(".gdb-drop-target").count());
	check(
		"Escape: no request, nothing moved",
		writes.length === 0 && after.assigned_technician === before.assigned_technician && after.scheduled_start === before.scheduled_start && gone,
		`writes ${writes.length}; ${after.assigned_technician} ${after.scheduled_start}`
	);
});

await step("Delete → unassign (schedule_release)", async () => {
	await page.locator(`.gdb-row[data-tech="${TECH}"] [data-job="${state.booked}"]`).click({ position: { x: 8, y: 6 } });
	await page.locator("[data-role=job-panel] [data-role=status]").waitFor({ timeout: 5000 });
	await page.screenshot({ path: `${OUT}/panel.png` });
	await page.keyboard.press("Delete");
	await page.locator(".modal.show .btn-primary").click();
	const job = await until(async () => {
		const j = await job_of(state.booked);
		return j.status === "Triaged" ? j : null;
	});
	const tl = await timeline_of(state.booked);
	check("Delete → unassign: Triaged, no technician, audited", job && !job.assigned_technician && !job.scheduled_start && tl.at(-1) === "schedule_release", `${job && job.status}; timeline ${tl.join(">")}`);
	await settle();
});

await step("Ctrl+Z undoes the unassign (inverse command)", async () => {
	await page.locator(".gdb-root").click({ position: { x: 5, y: 5 } }).catch(() => {});
	await page.keyboard.press("Control+z");
	const job = await until(async () => {
		const j = await job_of(state.booked);
		return j.status === "Scheduled" ? j : null;
	});
	const tl = await timeline_of(state.booked);
	check(
		"undo: back on the technician at 10:00 by propose + confirm",
		job && job.assigned_technician === TECH && String(job.scheduled_start).slice(11, 16) === "10:00" && tl.slice(-2).join() === "schedule_propose,schedule_confirm",
		`${job && job.assigned_technician} ${job && job.scheduled_start}; timeline ${tl.join(">")}`
	);
	await settle();
});

await step("Ctrl+Z undoes a move (technician and start back on the server)", async () => {
	const before = await job_of(state.booked);
	const el = page.locator(`.gdb-row[data-tech="${TECH}"] [data-job="${state.booked}"]`);
	const { x, y } = await point(OTHER, 14);
	await drag(el, x, y);
	const moved = await until(async () => {
		const j = await job_of(state.booked);
		return j.assigned_technician === OTHER ? j : null;
	});
	await settle();
	await page.locator(".gdb-root").click({ position: { x: 5, y: 5 } }).catch(() => {});
	await page.keyboard.press("Control+z");
	const back = await until(async () => {
		const j = await job_of(state.booked);
		return j.assigned_technician === TECH ? j : null;
	});
	check(
		"undo move: back on the first technician at its start",
		!!moved && !!back && back.scheduled_start === before.scheduled_start && back.status === "Scheduled",
		`${before.assigned_technician} ${before.scheduled_start} → ${moved && moved.assigned_technician} ${moved && moved.scheduled_start} → ${back && back.assigned_technician} ${back && back.scheduled_start}`
	);
	await settle();
});
