// An absence texted in; planning mode in the day, week and month views; rows grouped by team.
import { ABSENT_TECH, BASE, HOME, OTHER, OUT, TECH, check, get, go_day, go_home, open_board, page, point, settle, state, step, store, twilio_sms, until } from "./page.mjs";

await step("absence SMS (webhook) → toast and band", async () => {
	const tech = (await get("frappe.client.get_value", { doctype: "Dispatch Technician", filters: JSON.stringify({ name: ABSENT_TECH }), fieldname: JSON.stringify(["phone", "technician_name"]) })).body.message;
	const t0 = Date.now();
	const response = await twilio_sms(tech.phone, "Bonjour, je suis malade aujourd'hui");
	const toast = await page
		.waitForFunction((who) => Array.from(document.querySelectorAll("#alert-container .alert")).some((a) => a.innerText.includes(who)), tech.technician_name, { timeout: 5000 })
		.then(() => Date.now() - t0)
		.catch(() => null);
	// The band on the day the server recorded (today where the message was read: the run may cross midnight).
	const server = (await get("gigafibre_dispatch.api.board.get_planning", { technician: ABSENT_TECH })).body.message; // its current absence
	if (server.absence_from) await go_day(String(server.absence_from).slice(0, 10));
	const band = await page
		.waitForSelector(`.gdb-row[data-tech="${ABSENT_TECH}"] .gdb-absence`, { state: "attached", timeout: 5000 })
		.then(() => true)
		.catch(() => false);
	await point(ABSENT_TECH, 12);
	await page.screenshot({ path: `${OUT}/absence_sms.png` });
	check(
		"absence SMS: toast and band, absence on the technician",
		response.ok() && toast != null && band && !!server.absence_from,
		`webhook ${response.status()}; toast after ${toast} ms; band ${band}; server ${JSON.stringify(server)}`
	);
});

await step("planning: absence band resized, weekly schedule edited, both saved by the server", async () => {
	await page.click("[data-action=planning]");
	const band = page.locator(`.gdb-row[data-tech="${ABSENT_TECH}"] .gdb-absence`).first();
	// The band runs to midnight: its end handle and 12:00 both in view (the panel closed).
	await page.evaluate(() => window.gigafibre_dispatch_board.store.select(null));
	await page.waitForTimeout(200);
	await point(ABSENT_TECH, 18, page, { scroll: "center" });
	const edge = band.locator("[data-edge=end]");
	const e = await edge.boundingBox();
	const { x } = await point(ABSENT_TECH, 12, page, { scroll: false });
	await page.mouse.move(e.x + 3, e.y + e.height / 2);
	await page.mouse.down();
	for (let i = 1; i <= 10; i++) await page.mouse.move(e.x + 3 + ((x - 3 - e.x - 3) * i) / 10, e.y + e.height / 2);
	await page.mouse.up();
	const absence = await until(async () => {
		const a = (await get("gigafibre_dispatch.api.board.get_planning", { technician: ABSENT_TECH })).body.message;
		return a.absence_end_time ? a : null;
	});
	await settle();
	await page.screenshot({ path: `${OUT}/planning_absence.png` });
	// The weekly schedule through the planning dialog: Saturday mornings.
	await page.locator(`.gdb-row[data-tech="${OTHER}"] .gdb-name`).click();
	const d = page.locator(".modal.show");
	await d.locator('input[data-fieldname="default_week"]').waitFor({ timeout: 10000 });
	if (await d.locator('input[data-fieldname="default_week"]').isChecked()) await d.locator('input[data-fieldname="default_week"]').uncheck();
	for (const [day, value] of [["mon", "08:00-17:00"], ["tue", "08:00-17:00"], ["wed", "08:00-17:00"], ["thu", "08:00-17:00"], ["fri", "08:00-17:00"], ["sat", "09:00-12:00"]]) {
		await d.locator(`input[data-fieldname="day_${day}"]`).fill(value);
	}
	await page.screenshot({ path: `${OUT}/planning_dialog.png` });
	await d.locator(".modal-footer .btn-primary").click();
	const week = await until(async () => {
		const w = (await get("frappe.client.get_value", { doctype: "Dispatch Technician", filters: JSON.stringify({ name: OTHER }), fieldname: "weekly_schedule" })).body.message.weekly_schedule;
		return w && w.includes("sat") && w.includes("09:00-12:00") ? w : null;
	});
	// A refused change: an end before its start is the record's to refuse, and nothing is saved.
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const bad = await page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.board.save_planning`, {
		headers: { "X-Frappe-CSRF-Token": csrf },
		data: { technician: OTHER, extra_shifts: JSON.stringify([{ shift_date: (await store()).date, start_time: "15:00", end_time: "09:00" }]) },
	});
	await page.click("[data-action=planning]");
	check(
		"planning: absence to 12:00, Saturday 09:00-12:00, bad shift refused",
		!!absence && absence.absence_end_time === "12:00" && !!week && bad.status() === 417,
		`absence ${JSON.stringify(absence)}; week ${week}; bad extra shift ${bad.status()}`
	);
	// Back to the default week for the next run.
	await page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.board.save_planning`, { headers: { "X-Frappe-CSRF-Token": csrf }, data: { technician: OTHER, weekly_schedule: "" } });
	await go_home();
});

// Planning mode beyond the dialog: a technician dragged onto their row splits a shift (day and week views), on-call
// bands in the week, the month's sidebar, and rows grouped by team.
const planning_of = async (tech) => (await get("gigafibre_dispatch.api.board.get_planning", { technician: tech })).body.message;
const restore_extra = async (tech, rows) => {
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const r = await page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.board.save_planning`, {
		headers: { "X-Frappe-CSRF-Token": csrf },
		data: { technician: tech, extra_shifts: JSON.stringify(rows) },
	});
	if (!r.ok()) throw new Error(`restore ${tech}: ${r.status()} ${await r.text()}`);
};
const shifts_on = (tech, day) =>
	page.evaluate(([t, d]) => {
		const r = window.gigafibre_dispatch_board.store.data.resources.find((x) => x.id === t);
		return r.segments.filter((s) => s.type === "shift" && s.start.slice(0, 10) === d).map((s) => `${s.start.slice(11, 16)}-${s.end.slice(11, 16)}`);
	}, [tech, day]);

await step("planning, day view: a technician dragged onto their row at 12:00 splits the shift (break until 13:00)", async () => {
	const before = await planning_of(TECH);
	await open_board(page, HOME);
	const shift_before = await shifts_on(TECH, HOME);
	await page.click("[data-action=planning]");
	const name = page.locator(`.gdb-row[data-tech="${TECH}"] .gdb-name`);
	const to = await point(TECH, 12);
	const b = await name.boundingBox();
	await page.mouse.move(b.x + 30, b.y + b.height / 2);
	await page.mouse.down();
	for (let i = 1; i <= 12; i++) await page.mouse.move(b.x + 30 + ((to.x - 3 - b.x - 30) * i) / 12, b.y + b.height / 2 + ((to.y - b.y - b.height / 2) * i) / 12);
	const guide = await page.locator("[data-role=split-guide]").innerText().catch(() => "");
	await page.mouse.up();
	const dialog = page.locator("[data-role=split-dialog]");
	await dialog.locator('input[data-fieldname="end_time"]').waitFor({ timeout: 8000 });
	const proposed = [await dialog.locator('input[data-fieldname="start_time"]').inputValue(), await dialog.locator('input[data-fieldname="end_time"]').inputValue()];
	await dialog.locator('input[data-fieldname="end_time"]').fill("13:00");
	await page.screenshot({ path: `${OUT}/planning_split_day.png` });
	await dialog.locator(".modal-footer .btn-primary").click();
	const after = await until(async () => {
		const p = await planning_of(TECH);
		return p.extra_shifts.some((x) => x.shift_date === HOME && x.kind === "Off") ? p : null;
	});
	await settle();
	const shift_after = await shifts_on(TECH, HOME);
	await page.screenshot({ path: `${OUT}/planning_split_day_done.png` });
	await page.click("[data-action=planning]");
	await restore_extra(TECH, before.extra_shifts);
	const off = after && after.extra_shifts.find((x) => x.shift_date === HOME && x.kind === "Off");
	check(
		"day planning: the name dragged to 12:00 proposes 12:00, saves an Off row 12:00-13:00, the board draws two shifts",
		/12:00/.test(guide) && proposed[0] === "12:00" && !!off && off.start_time === "12:00" && off.end_time === "13:00" &&
			shift_after.length === shift_before.length + 1 && shift_after.some((s) => s.endsWith("-12:00")) && shift_after.some((s) => s.startsWith("13:00-")),
		`guide "${guide}"; dialog ${JSON.stringify(proposed)}; saved ${JSON.stringify(off)}; shifts ${JSON.stringify(shift_before)} → ${JSON.stringify(shift_after)}`
	);
});

await step("planning, week view: availability and on-call bands; a technician dragged onto a day splits that day's shift", async () => {
	const before_tech = await planning_of(TECH);
	const before_other = await planning_of(OTHER);
	// OTHER on call on HOME's evening (a new band of this run), seen in the week's planning mode only.
	await restore_extra(OTHER, [...before_other.extra_shifts, { shift_date: HOME, start_time: "18:00", end_time: "22:00", kind: "On call" }]);
	await open_board(page, HOME);
	await page.click("[data-view=week]");
	await settle();
	const cell = (tech) => page.locator(`.gdb-week-row[data-tech="${tech}"] .gdb-week-cell[data-day="${HOME}"]`);
	const chips_off = await cell(OTHER).locator("[data-role=on-call]").count();
	await page.click("[data-action=planning]");
	await cell(OTHER).scrollIntoViewIfNeeded();
	const on_call = await cell(OTHER).locator("[data-role=on-call]").innerText();
	const bands = await cell(OTHER).locator("[data-role=bands] .gdb-band").evaluateAll((els) => els.map((e) => e.dataset.type));
	await page.screenshot({ path: `${OUT}/planning_week.png` });
	// Drag TECH's name onto their HOME cell.
	const name = page.locator(`.gdb-week-row[data-tech="${TECH}"] .gdb-name`);
	await name.evaluate((el) => el.scrollIntoView({ block: "center" }));
	const b = await name.boundingBox();
	const to = await cell(TECH).boundingBox();
	await page.mouse.move(b.x + 30, b.y + b.height / 2);
	await page.mouse.down();
	for (let i = 1; i <= 10; i++) await page.mouse.move(b.x + 30 + ((to.x + to.width / 2 - b.x - 30) * i) / 10, b.y + b.height / 2 + ((to.y + to.height / 2 - b.y - b.height / 2) * i) / 10);
	await page.mouse.up();
	const dialog = page.locator("[data-role=split-dialog]");
	await dialog.locator('input[data-fieldname="start_time"]').waitFor({ timeout: 8000 });
	const proposed = [await dialog.locator('input[data-fieldname="start_time"]').inputValue(), await dialog.locator('input[data-fieldname="end_time"]').inputValue()];
	await dialog.locator(".modal-footer .btn-primary").click();
	const after = await until(async () => {
		const p = await planning_of(TECH);
		return p.extra_shifts.some((x) => x.shift_date === HOME && x.kind === "Off") ? p : null;
	});
	await settle();
	const tech_bands = await cell(TECH).locator("[data-role=bands] .gdb-band.shift").count();
	await page.screenshot({ path: `${OUT}/planning_week_split.png` });
	await page.click("[data-action=planning]");
	await restore_extra(TECH, before_tech.extra_shifts);
	await restore_extra(OTHER, before_other.extra_shifts);
	const off = after && after.extra_shifts.find((x) => x.shift_date === HOME && x.kind === "Off");
	check(
		"week planning: on-call chip and band only in planning mode; the name dropped on a day proposes the middle of its shift and saves the break",
		chips_off === 0 && /18:00/.test(on_call) && bands.includes("on_call") && bands.includes("shift") &&
			!!off && off.start_time === proposed[0] && off.end_time === proposed[1] && tech_bands >= 2,
		`on-call chip outside planning ${chips_off}, in planning "${on_call}"; bands ${JSON.stringify(bands)}; dialog ${JSON.stringify(proposed)}; saved ${JSON.stringify(off)}; shift bands after ${tech_bands}`
	);
});

await step("planning, month view: the sidebar shows the chosen technician's week, this month's extra shifts and absences", async () => {
	const before = await planning_of(OTHER);
	await restore_extra(OTHER, [...before.extra_shifts, { shift_date: HOME, start_time: "18:00", end_time: "22:00", kind: "On call" }]);
	await open_board(page, HOME);
	await page.click("[data-view=month]");
	await settle();
	const side_off = await page.locator("[data-role=planning-side]").count();
	await page.click("[data-action=planning]");
	await page.locator("[data-role=planning-tech]").selectOption(OTHER);
	const row = page.locator("[data-role=planning-side] [data-role=extra-shift]");
	await row.first().waitFor({ timeout: 8000 });
	const extra = await row.allInnerTexts();
	const marked = await page.locator(`.gdb-month-cell[data-day="${HOME}"] [data-role=tech-day]`).innerText();
	await page.screenshot({ path: `${OUT}/planning_month.png` });
	await page.click("[data-action=planning]");
	await restore_extra(OTHER, before.extra_shifts);
	await page.click("[data-view=day]");
	await settle();
	check(
		"month planning: sidebar only in planning mode, lists the on-call row, the day marked for the technician",
		side_off === 0 && extra.some((t) => /18:00/.test(t) && /22:00/.test(t)) && /h/.test(marked),
		`sidebar outside planning ${side_off}; extra ${JSON.stringify(extra)}; ${HOME} "${marked}"`
	);
});

await step("rows grouped by team: a header per team with counts, a team folds and comes back, kept after a reload", async () => {
	await open_board(page, HOME);
	const team_of = (await get("frappe.client.get_value", { doctype: "Dispatch Technician", filters: JSON.stringify({ name: TECH }), fieldname: "team" })).body.message.team;
	if (!team_of) throw new Error(`${TECH} has no team in the demo`);
	await page.locator("[data-role=group-by]").selectOption("team");
	await page.waitForTimeout(300);
	const heads = await page.locator("[data-role=group]").evaluateAll((els) => els.map((e) => e.dataset.group));
	const head = page.locator(`[data-role=group][data-group="team:${team_of}"]`);
	const shown_before = await page.locator(`.gdb-row[data-tech="${TECH}"]`).count();
	await head.click();
	await page.waitForTimeout(300);
	const shown_folded = await page.locator(`.gdb-row[data-tech="${TECH}"]`).count();
	await open_board(page, HOME);
	const still = [await page.locator(`[data-role=group][data-group="team:${team_of}"]`).getAttribute("data-folded"), await page.locator(`.gdb-row[data-tech="${TECH}"]`).count()];
	await page.screenshot({ path: `${OUT}/groups_by_team.png` });
	await page.locator(`[data-role=group][data-group="team:${team_of}"]`).click();
	await page.waitForTimeout(300);
	const back = await page.locator(`.gdb-row[data-tech="${TECH}"]`).count();
	await page.locator("[data-role=group-by]").selectOption("");
	await page.waitForTimeout(300);
	const plain = await page.locator("[data-role=group]").count();
	check(
		"groups: one header per team, the folded team's rows hidden (also after a reload), unfolded, then no headers",
		heads.includes(`team:${team_of}`) && heads.length >= 3 && shown_before === 1 && shown_folded === 0 && still[0] === "1" && still[1] === 0 && back === 1 && plain === 0,
		`heads ${JSON.stringify(heads)}; ${TECH} (${team_of}) rows ${shown_before} → folded ${shown_folded} → after reload ${JSON.stringify(still)} → ${back}; ungrouped headers ${plain}`
	);
});
