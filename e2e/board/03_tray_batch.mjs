// The tray's batch actions and the ghosts: lasso and batch assign, auto-distribute, a ghost clicked twice, the context menu.
import { BASE, OTHER, OUT, TECH, check, created, get, go_home, job_of, page, settle, state, step, store, timeline_of, until } from "./page.mjs";

await step("lasso + batch assign", async () => {
	const tray = (await store()).tray;
	const items = page.locator(".gdb-tray-item");
	const n = await items.count();
	const last = await items.nth(n - 1).boundingBox();
	const prev = await items.nth(n - 2).boundingBox();
	const list = await page.locator(".gdb-tray-list").boundingBox();
	const picked = tray.slice(n - 2, n);
	// From the empty space under the last item, up to the middle of the one before.
	const sx = list.x + list.width / 2;
	const sy = Math.min(list.y + list.height - 5, last.y + last.height + 12);
	await page.mouse.move(sx, sy);
	await page.mouse.down();
	for (let i = 1; i <= 6; i++) await page.mouse.move(sx - 40, sy + ((prev.y + prev.height / 2 - sy) * i) / 6);
	await page.mouse.up();
	const selection = await page.evaluate(() => [...window.gigafibre_dispatch_board.store.tray_selection]);
	await page.click("[data-action=batch-assign]");
	const dialog = page.locator(".modal.show");
	await dialog.locator('input[data-fieldname="technician"]').fill(OTHER);
	await page.waitForTimeout(600);
	await dialog.locator(".modal-title").click();
	await page.waitForTimeout(300);
	await dialog.locator(".btn-primary").click();
	const jobs = await until(async () => {
		const all = await Promise.all(picked.map(job_of));
		return all.every((j) => j.assigned_technician === OTHER && j.status === "Scheduled") ? all : null;
	}, 15000);
	check("lasso + batch assign: both on the technician", !!jobs && selection.sort().join() === [...picked].sort().join(), `lasso ${selection}; ${picked} → ${jobs ? jobs.map((j) => `${j.assigned_technician}@${j.scheduled_start}`) : "not state.booked"}`);
	await settle();
});

await step("auto-distribute (optimizer proposal, applied through the commands)", async () => {
	const tray = (await store()).tray.filter((j) => created.includes(j)).slice(0, 2);
	for (const job of tray) await page.locator(`.gdb-tray-item[data-job="${job}"]`).click({ modifiers: ["Control"] });
	await page.click("[data-action=auto-distribute]");
	const d = page.locator(".modal.show", { hasText: "Auto" });
	await d.waitFor({ timeout: 60000 });
	// The proposal is drawn on the timeline as ghosts, with its KPIs, before anything is state.booked.
	const drawn = await page.locator(".gdb-proposal").count();
	const moves = await d.locator("[data-role=moves] tr").count();
	const kpiRows = await d.locator("[data-role=kpis] tbody tr").count();
	const before = await Promise.all(tray.map(job_of));
	check(
		"auto-distribute: moves drawn as ghosts with KPIs, nothing state.booked yet",
		moves > 0 && drawn === moves && kpiRows === 4 && before.every((j) => !j.assigned_technician),
		`${drawn} ghosts for ${moves} moves, ${kpiRows} KPI rows, before: ${before.map((j) => j.status)}`
	);
	await page.screenshot({ path: `${OUT}/auto_distribute.png` });
	const title = await d.locator(".modal-title").innerText();
	await d.locator(".modal-footer .btn-primary").click();
	const jobs = await until(async () => {
		const all = await Promise.all(tray.map(job_of));
		return all.every((j) => j.status === "Scheduled" && j.assigned_technician) ? all : null;
	}, 20000);
	const tl = jobs ? await timeline_of(tray[0]) : [];
	check(
		"auto-distribute: proposal shown, both jobs state.booked by one schedule_book each (after their triage)",
		tray.length === 2 && !!jobs && tl.slice(-2).join() === "triage,schedule_book",
		`"${title}"; ${tray} → ${jobs ? jobs.map((j) => `${j.assigned_technician}@${j.scheduled_start}`) : "not state.booked"}`
	);
	await settle();
});

await step("ghost double click: one job", async () => {
	const today = (await store()).date;
	const later = new Date(`${today}T00:00:00Z`);
	later.setUTCDate(later.getUTCDate() + 27);
	const ghosts = (await get("gigafibre_dispatch.api.board.get_board", { date_from: today, date_to: later.toISOString().slice(0, 10) })).body.message.resources.flatMap((r) => r.segments.filter((s) => s.type === "ghost"));
	if (!ghosts.length) throw new Error("no ghost in the next four weeks");
	const g = ghosts[0];
	await page.evaluate((d) => window.gigafibre_dispatch_board.store.go_day(d), g.start.slice(0, 10));
	await settle();
	const el = page.locator(`.gdb-ghost[data-template="${g.template}"]`).first();
	await el.scrollIntoViewIfNeeded();
	await el.dblclick();
	await page.waitForTimeout(1500);
	const count = (await get("frappe.client.get_count", { doctype: "Dispatch Job", filters: JSON.stringify({ template_id: g.template, scheduled_start: g.start.replace("T", " ") }) })).body.message;
	check("ghost double click: exactly one job", count === 1, `${g.template} @ ${g.start}: ${count} job(s)`);
	// Leave the ghost for the next run: the occurrence's job is still New, so it may be deleted (audited).
	const made = (await get("frappe.client.get_list", { doctype: "Dispatch Job", filters: JSON.stringify({ template_id: g.template, scheduled_start: g.start.replace("T", " "), status: "New" }), fields: JSON.stringify(["name"]) })).body.message;
	const csrf = await page.evaluate(() => frappe.csrf_token);
	for (const m of made) await page.request.delete(`${BASE}/api/resource/Dispatch Job/${encodeURIComponent(m.name)}`, { headers: { "X-Frappe-CSRF-Token": csrf } });
	await go_home();
});

await step("context menu: copy magic link", async () => {
	await page.locator(`.gdb-row[data-tech="${TECH}"] .gdb-name`).click({ button: "right" });
	await page.locator("[data-role=context-menu] [data-menu=magic-link]").click();
	const link = await until(() => page.evaluate(() => window.__gdb_last_copied || null), 5000);
	check("context menu: magic link copied", !!link && link.includes("/t/"), String(link).slice(0, 80));
});
