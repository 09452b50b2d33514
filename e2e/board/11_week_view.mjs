// The week view: drags between days and technicians, a chip resized; a job at 22:30 widens the day.
import { HOME, OTHER, OUT, TECH, check, created, drag, job_of, open_board, page, point, scroll_tray_to, settle, step, timeline_of, triaged_work_order, until } from "./page.mjs";

await step("week view: drag a job to another technician and day (time kept), and a tray job onto the week", async () => {
	const { job, command } = await triaged_work_order("E2E week drag");
	const booked = await command("schedule_book", { technician: TECH, start: `${HOME} 10:00:00` });
	if (!booked.ok()) throw new Error(`book: ${booked.status()} ${await booked.text()}`);
	await open_board(page, HOME);
	await page.click("[data-view=week]");
	await settle();
	// Another weekday of the shown week, after today, on which OTHER has a shift.
	const target_day = await page.evaluate(([other, home]) => {
		const s = window.gigafibre_dispatch_board.store;
		const row = s.data.resources.find((r) => r.id === other);
		const today = frappe.datetime.get_today();
		const days = [...new Set(row.segments.filter((g) => g.type === "shift").map((g) => g.start.slice(0, 10)))];
		const free = (d) => !row.segments.some((g) => g.type === "absence" && g.start.slice(0, 10) <= d && g.end.slice(0, 10) >= d);
		// Another working day of the shown week after today; late in the week there may be none: HOME itself
		// (another technician, the same day).
		return days.filter((d) => d !== home && d > today && free(d)).sort()[0] || (days.includes(home) && free(home) ? home : null);
	}, [OTHER, HOME]);
	if (!target_day) throw new Error(`no working day of ${OTHER} in the week of ${HOME}`);
	const chip = page.locator(`.gdb-week-row[data-tech="${TECH}"] .gdb-week-job[data-job="${job}"]`);
	await page.locator(`.gdb-week-row[data-tech="${TECH}"]`).evaluate((el) => el.scrollIntoView({ block: "center" }));
	await chip.waitFor({ timeout: 8000 });
	const cell = page.locator(`.gdb-week-row[data-tech="${OTHER}"] .gdb-week-cell[data-day="${target_day}"]`);
	await cell.scrollIntoViewIfNeeded();
	const to = await cell.boundingBox();
	let lit = false;
	const { level } = await drag(chip, to.x + to.width / 2, to.y + to.height / 2, {
		grab_dx: 8,
		before_release: async () => (lit = await cell.evaluate((el) => el.classList.contains("drop-target"))),
	});
	const moved = await until(async () => {
		const j = await job_of(job);
		return j && j.assigned_technician === OTHER ? j : null;
	}, 10000);
	const tl = await timeline_of(job);
	await page.screenshot({ path: `${OUT}/week_drag.png` });
	check(
		"week view: the job moved to the other technician and day, 10:00 kept, by schedule_propose + schedule_confirm",
		level !== "blocked" && lit && !!moved && moved.scheduled_start === `${target_day} 10:00:00` && tl.slice(-2).join() === "schedule_propose,schedule_confirm",
		`level ${level}; lit ${lit}; job ${moved && moved.assigned_technician} ${moved && moved.scheduled_start}; timeline ${tl.slice(-2).join(">")}`
	);
	// Back to the tray, then from the tray onto TECH's HOME cell: the technician's first shift hour that day.
	await command("schedule_release", { reason: "e2e week" });
	await page.evaluate(() => window.gigafibre_dispatch_board.store.load());
	await settle();
	await scroll_tray_to(job);
	const tray_item = page.locator(`.gdb-tray-item[data-job="${job}"]`).first();
	const in_tray = await tray_item.waitFor({ timeout: 8000 }).then(() => true).catch(() => false);
	let from_tray = null;
	if (in_tray) {
		const home_cell = page.locator(`.gdb-week-row[data-tech="${TECH}"] .gdb-week-cell[data-day="${HOME}"]`);
		await home_cell.scrollIntoViewIfNeeded();
		const c = await home_cell.boundingBox();
		await drag(tray_item, c.x + c.width / 2, c.y + c.height / 2);
		from_tray = await until(async () => {
			const j = await job_of(job);
			return j && j.assigned_technician === TECH ? j : null;
		}, 10000);
	}
	const first_shift = await page.evaluate(([tech, home]) => {
		const row = window.gigafibre_dispatch_board.store.data.resources.find((r) => r.id === tech);
		const shifts = row.segments.filter((g) => g.type === "shift" && g.start.slice(0, 10) === home).map((g) => g.start).sort();
		return shifts.length ? `${home} ${shifts[0].slice(11, 19)}` : `${home} 08:00:00`;
	}, [TECH, HOME]);
	check(
		"week view: a tray job dropped on a day cell is booked at the technician's first shift hour",
		in_tray && !!from_tray && from_tray.scheduled_start === first_shift,
		`in tray ${in_tray}; booked ${from_tray && from_tray.scheduled_start}; expected ${first_shift}`
	);
	await page.click("[data-view=day]");
	await settle();
});

await step("week view: a chip's right edge dragged makes the job an hour longer (the resize's drop rules), the new end shown while dragging", async () => {
	const { job, command } = await triaged_work_order("E2E week resize");
	// 07:00, before the day's other jobs: the week cell shows its first three chips.
	const booked = await command("schedule_book", { technician: TECH, start: `${HOME} 07:00:00`, duration_h: 1 });
	if (!booked.ok()) throw new Error(`book: ${booked.status()} ${await booked.text()}`);
	await open_board(page, HOME);
	await page.click("[data-view=week]");
	await settle();
	try {
	const chip = page.locator(`.gdb-week-row[data-tech="${TECH}"] .gdb-week-job[data-job="${job}"]`);
	await page.locator(`.gdb-week-row[data-tech="${TECH}"]`).evaluate((el) => el.scrollIntoView({ block: "center" }));
	await chip.waitFor({ timeout: 8000 });
	const handle = chip.locator(".gdb-resize");
	const h = await handle.boundingBox();
	await page.mouse.move(h.x + 3, h.y + h.height / 2);
	await page.mouse.down();
	for (let i = 1; i <= 8; i++) await page.mouse.move(h.x + 3 + (32 * i) / 8, h.y + h.height / 2);
	const shown = await chip.locator("[data-role=resize-end]").innerText().catch(() => "");
	await page.mouse.up();
	const row = await until(async () => {
		const j = await job_of(job);
		return Number(j.duration_h) === 2 ? j : null;
	});
	await settle();
	await page.screenshot({ path: `${OUT}/week_resize.png` });
	const tl = await timeline_of(job);
	check(
		"week resize: 32 px to the right = +1 h (end 09:00 shown while dragging), saved, start and technician kept",
		shown === "09:00" && !!row && row.assigned_technician === TECH && String(row.scheduled_start).slice(11, 16) === "07:00",
		`end shown "${shown}"; job ${row && row.duration_h} h ${row && row.assigned_technician} ${row && row.scheduled_start}; ${tl.slice(-2).join(">")}`
	);
	} finally {
		await command("cancel", { reason: "e2e: resize checked" });
		created.splice(created.indexOf(job), 1);
		await page.click("[data-view=day]");
		await settle();
	}
});

await step("day view widens to a job booked at 22:30 (no job hidden outside 06:00-22:00)", async () => {
	await open_board(page, HOME);
	const { job, command } = await triaged_work_order("E2E late job");
	const booked = await command("schedule_book", { technician: TECH, start: `${HOME} 22:30:00` });
	if (!booked.ok()) throw new Error(`book: ${booked.status()} ${await booked.text()}`);
	await open_board(page, HOME);
	await point(TECH, 22.5);
	const block = page.locator(`.gdb-job[data-job="${job}"]`);
	const seen = await block.waitFor({ timeout: 8000 }).then(() => true).catch(() => false);
	const hours = await page.locator(".gdb-hour").allInnerTexts();
	const flag = seen ? await block.locator("[data-role=conflict]").getAttribute("data-conflicts").catch(() => null) : null;
	const tip = seen ? await block.getAttribute("title") : "";
	await page.screenshot({ path: `${OUT}/late_job.png` });
	check(
		"day view: a job at 22:30 is drawn, the hours run to 23:00, flagged outside the shift",
		seen && hours.includes("06:00") && hours.includes("23:00") && (await job_of(job)).scheduled_start.slice(11, 16) === "22:30" && (flag || "").split(" ").includes("outside_shift") && !!tip,
		`block ${seen}; hours ${hours[0]}…${hours.at(-1)}; conflicts "${flag}"; tip "${tip}"`
	);
	await command("schedule_release", { reason: "e2e" });
});
