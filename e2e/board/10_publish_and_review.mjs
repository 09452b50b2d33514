// Publishing a technician's schedule; an absence reviewed before its moves are applied.
import { ABSENT_TECH, BASE, HOME, OUT, TECH, alerts, check, get, job_of, open_board, page, step, store, timeline_of, triaged_work_order, twilio_sms, until } from "./page.mjs";

await step("publish one technician → two SMS logs, its Scheduled jobs dispatched and marked", async () => {
	const from = (await store()).date;
	const scheduled_of = async (status) =>
		(await get("frappe.client.get_list", { doctype: "Dispatch Job", filters: JSON.stringify({ assigned_technician: TECH, status, scheduled_start: [">=", `${from} 00:00:00`] }), fields: JSON.stringify(["name", "published"]), limit_page_length: 500 })).body.message;
	const to_dispatch = (await scheduled_of("Scheduled")).map((j) => j.name);
	const t0 = (await get("frappe.client.get_list", { doctype: "Dispatch SMS Log", filters: JSON.stringify({ technician: TECH }), fields: JSON.stringify(["count(name) as n"]) })).body.message[0].n;
	await page.locator(`.gdb-row[data-tech="${TECH}"] .gdb-name`).click({ button: "right" });
	await page.locator("[data-role=context-menu] [data-menu=publish]").click();
	const d = page.locator(".modal.show");
	// A range of its own (a publication of the same jobs over the same range is sent once, by design).
	const end = new Date(`${(await store()).date}T00:00:00Z`);
	end.setUTCDate(end.getUTCDate() + 7 + (Math.floor(Date.now() / 60000) % 3000));
	const to = await page.evaluate((iso) => frappe.datetime.str_to_user(iso), end.toISOString().slice(0, 10));
	await d.locator('input[data-fieldname="date_to"]').fill(to);
	await d.locator(".modal-title").click();
	await page.waitForTimeout(300);
	await d.locator(".modal-footer .btn-primary").click();
	const logs = await until(async () => {
		const n = (await get("frappe.client.get_list", { doctype: "Dispatch SMS Log", filters: JSON.stringify({ technician: TECH }), fields: JSON.stringify(["count(name) as n"]) })).body.message[0].n;
		if (n < t0 + 2) return null;
		return (await get("frappe.client.get_list", { doctype: "Dispatch SMS Log", filters: JSON.stringify({ technician: TECH }), fields: JSON.stringify(["name", "kind", "status"]), order_by: "creation desc", limit_page_length: n - t0 })).body.message;
	}, 10000);
	const kinds = logs ? logs.map((l) => l.kind).sort().join() : "";
	check("publish: two SMS logs (magic link, calendar)", kinds === "calendar,magic_link", `${logs ? logs.length : 0} new logs: ${kinds}; alerts ${JSON.stringify((await alerts()).slice(-1))}`);
	// The technician can act on them: Dispatched (one transition each), published, marked on the board.
	const dispatched = (await scheduled_of("Dispatched")).filter((j) => j.published).map((j) => j.name);
	const said = await until(async () => {
		const box = page.locator(".modal.show .msgprint, .modal.show .modal-body").first();
		const text = (await box.isVisible().catch(() => false)) ? await box.innerText() : "";
		const alert = (await alerts()).join(" ");
		return /\d+/.test(text + alert) && (text + alert).includes(String(to_dispatch.length)) ? text + alert : null;
	}, 8000);
	await page.keyboard.press("Escape");
	await page.waitForTimeout(800);
	let shown = 0;
	let marked = 0;
	for (const j of to_dispatch) {
		shown += await page.locator(`.gdb-job[data-job="${j}"]`).count();
		marked += await page.locator(`.gdb-job[data-job="${j}"] [data-role=published]`).count();
	}
	await page.screenshot({ path: `${OUT}/published.png` });
	check(
		"publish: the technician's Scheduled jobs are Dispatched, published and marked; the answer counts them",
		to_dispatch.length > 0 && to_dispatch.every((j) => dispatched.includes(j)) && (await scheduled_of("Scheduled")).length === 0 && !!said && shown > 0 && marked === shown,
		`to dispatch ${JSON.stringify(to_dispatch)}; dispatched ${JSON.stringify(dispatched)}; said ${JSON.stringify(said)}; ${marked} of ${shown} blocks marked`
	);
});

await step("absence in review mode: the board's alert links to the proposal, Apply all moves the job in one transition", async () => {
	await open_board(page, HOME);
	const { job, command } = await triaged_work_order("E2E absence review");
	const booked_on = await command("schedule_book", { technician: ABSENT_TECH, start: `${HOME} 16:00:00` });
	if (!booked_on.ok()) throw new Error(`book: ${booked_on.status()} ${await booked_on.text()}`);
	const before = await timeline_of(job);
	const tech = (await get("frappe.client.get_value", { doctype: "Dispatch Technician", filters: JSON.stringify({ name: ABSENT_TECH }), fieldname: JSON.stringify(["phone"]) })).body.message;
	const months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
	const sms = await twilio_sms(tech.phone, `Malade le ${Number(HOME.slice(8, 10))} ${months[Number(HOME.slice(5, 7)) - 1]}`);
	const link = page.locator("#alert-container [data-role=absence-proposal]").first();
	const shown = await link.waitFor({ timeout: 8000 }).then(() => true).catch(() => false);
	await page.screenshot({ path: `${OUT}/absence_review_alert.png` });
	const unmoved = (await job_of(job)).assigned_technician === ABSENT_TECH; // review: nothing moved yet
	if (shown) await link.click();
	await page.waitForURL(/dispatch-optimization/, { timeout: 10000 }).catch(() => null);
	const apply_all = page.locator(".page-actions .primary-action:visible").first(); // the form's (Desk keeps other pages' hidden)
	await apply_all.waitFor({ timeout: 10000 });
	await apply_all.click();
	await page.locator(".modal.show .btn-modal-primary").click();
	const after = await until(async () => {
		const j = await job_of(job);
		return j && j.assigned_technician !== ABSENT_TECH ? j : null;
	}, 15000);
	const tl = await timeline_of(job);
	await page.screenshot({ path: `${OUT}/absence_review_applied.png` });
	check(
		"absence review: alert links to the proposal; Apply all moves the job (schedule_book or schedule_release, once)",
		sms.ok() && shown && unmoved && !!after && tl.length === before.length + 1 && ["schedule_book", "schedule_release"].includes(tl[tl.length - 1]),
		`sms ${sms.status()}; link ${shown}; unmoved before apply ${unmoved}; job ${after && after.assigned_technician} ${after && after.status}; timeline +${tl.slice(before.length).join(">")}`
	);
	// The absence goes: the next run finds the technician free that day.
	const absence = (await get("frappe.client.get_list", { doctype: "Dispatch Absence", filters: JSON.stringify({ technician: ABSENT_TECH, from_date: HOME, status: "Active" }), fields: JSON.stringify(["name"]) })).body.message;
	const csrf = await page.evaluate(() => frappe.csrf_token);
	for (const a of absence || []) {
		await page.request.post(`${BASE}/api/method/frappe.client.set_value`, { headers: { "X-Frappe-CSRF-Token": csrf }, data: { doctype: "Dispatch Absence", name: a.name, fieldname: "status", value: "Cancelled" } });
	}
});
