// Editing a booked job from the panel, suggestions booked in one click, an offer accepted on /t and the pool.
import { BASE, HOME, OTHER, OUT, TECH, browser, check, created, get, job_of, open_board, page, scroll_tray_to, step, timeline_of, triaged_work_order, until } from "./page.mjs";

await step("right panel: edit a booked job's details (subject, priority, note) without touching its booking", async () => {
	const { job, command } = await triaged_work_order("E2E edit me");
	const booked = await command("schedule_book", { technician: TECH, start: `${HOME} 15:00:00` });
	if (!booked.ok()) throw new Error(`book: ${booked.status()} ${await booked.text()}`);
	await open_board(page, HOME);
	const before = await job_of(job);
	const history = await timeline_of(job);
	await page.evaluate((j) => window.gigafibre_dispatch_board.store.select(j), job);
	await page.locator("[data-role=job-panel] [data-action=edit-job]").click();
	const d = page.locator(".modal.show");
	await d.locator('input[data-fieldname="subject"]').waitFor({ timeout: 8000 });
	await d.locator('input[data-fieldname="subject"]').fill("");
	await d.locator('input[data-fieldname="subject"]').type("E2E edited: câble coupé", { delay: 10 });
	await d.locator('select[data-fieldname="priority"]').selectOption("urgent");
	await d.locator('textarea[data-fieldname="description"]').fill("Sonner deux fois");
	await d.locator(".modal-footer .btn-primary").click();
	const after = await until(async () => {
		const j = await job_of(job);
		return j && j.subject === "E2E edited: câble coupé" ? j : null;
	}, 8000);
	const tl = await timeline_of(job);
	if (after) after.description = (await get("frappe.client.get_value", { doctype: "Dispatch Job", filters: JSON.stringify({ name: job }), fieldname: "description" })).body.message.description;
	await page.screenshot({ path: `${OUT}/edit_job.png` });
	check(
		"edit: subject, priority and note saved; technician, start, status and history unchanged",
		!!after && after.priority === "urgent" && after.description === "Sonner deux fois" && after.assigned_technician === before.assigned_technician && after.scheduled_start === before.scheduled_start && after.status === before.status && tl.length === history.length,
		`${JSON.stringify(after && { s: after.subject, p: after.priority, d: after.description, t: after.assigned_technician, at: after.scheduled_start, st: after.status })}; history ${history.length} → ${tl.length}`
	);
	// Set its end instead of its duration: the duration follows, through the resize (the drop rules).
	await page.evaluate(() => window.gigafibre_dispatch_board.store.refresh_card());
	await page.waitForTimeout(300);
	await page.locator("[data-role=job-panel] [data-action=edit-job]").click();
	const e = page.locator(".modal.show");
	await e.locator('input[data-fieldname="end"]').waitFor({ timeout: 8000 });
	const end_user = await page.evaluate((iso) => frappe.datetime.str_to_user(iso), `${HOME} 17:00:00`);
	await e.locator('input[data-fieldname="end"]').fill(end_user);
	await e.locator(".modal-title").click();
	await page.waitForTimeout(300);
	await e.locator(".modal-footer .btn-primary").click();
	const longer = await until(async () => {
		const j = await job_of(job);
		return j && Number(j.duration_h) === 2 ? j : null;
	}, 8000);
	const tl2 = await timeline_of(job);
	check(
		"edit: setting the end makes the duration 2 h through the resize (schedule_propose + schedule_confirm)",
		!!longer && longer.scheduled_start === `${HOME} 15:00:00` && tl2.slice(-2).join() === "schedule_propose,schedule_confirm",
		`${longer && longer.duration_h} h from ${longer && longer.scheduled_start}; ${tl2.slice(-2).join(">")}`
	);
	await command("schedule_release", { reason: "e2e" });
});

await step("right panel: best technicians and next slots; Book takes the first slot through the commands", async () => {
	const { job, command } = await triaged_work_order("E2E panel slot");
	await open_board(page, HOME);
	await page.evaluate((j) => window.gigafibre_dispatch_board.store.select(j), job);
	const slot = page.locator("[data-role=suggestions] [data-role=slot]").first();
	await slot.waitFor({ timeout: 15000 });
	const best = await page.locator("[data-role=suggestions] [data-role=best-tech]").count();
	const drive = await page.locator("[data-role=suggestions] [data-role=best-tech]").first().innerText();
	const tech = await slot.getAttribute("data-tech");
	const start = await slot.getAttribute("data-start");
	await page.screenshot({ path: `${OUT}/panel_suggestions.png` });
	await slot.locator("[data-action=book-slot]").click();
	const row = await until(async () => {
		const j = await job_of(job);
		return j.status === "Scheduled" ? j : null;
	}, 12000);
	const commands = await timeline_of(job);
	await command("cancel", { reason: "e2e: the slot is given back for the next steps" });
	created.splice(created.indexOf(job), 1);
	await page.evaluate(() => window.gigafibre_dispatch_board.store.select(null));
	check(
		"panel suggestions: up to three technicians with a drive estimate, Book schedules the job on the slot's technician and start",
		best >= 1 && best <= 3 && /min|—/.test(drive) && !!row && row.assigned_technician === tech &&
			String(row.scheduled_start).replace(" ", "T").slice(0, 16) === start.slice(0, 16) && commands.includes("schedule_confirm"),
		`${best} best ("${drive.replace(/\s+/g, " ")}"); slot ${tech} ${start}; job ${row && row.status} ${row && row.assigned_technician} ${row && row.scheduled_start}; ${JSON.stringify(commands)}`
	);
});

await step("offer a job with no start from the tray; a technician accepts it on /t; the pool shows it live", async () => {
	const { job } = await triaged_work_order("E2E offer me");
	await open_board(page, HOME);
	await scroll_tray_to(job);
	const item = page.locator(`.gdb-tray-item[data-job="${job}"]`);
	await item.waitFor({ timeout: 8000 });
	await item.click({ button: "right" });
	await page.locator("[data-role=context-menu] [data-menu=offer]").click();
	const d = page.locator(".modal.show");
	await d.locator('input[data-fieldname="start"]').waitFor({ timeout: 8000 });
	const at = await page.evaluate((iso) => frappe.datetime.str_to_user(iso), `${HOME} 14:00:00`);
	await d.locator('input[data-fieldname="start"]').fill(at);
	await d.locator(".modal-title").click();
	await page.waitForTimeout(300);
	await d.locator(".modal-footer .btn-primary").click();
	const offer = await until(async () => {
		const rows = (await get("frappe.client.get_list", { doctype: "Dispatch Offer", filters: JSON.stringify({ job }), fields: JSON.stringify(["name", "status", "start"]) })).body.message;
		return rows && rows.length ? rows[0] : null;
	}, 8000);
	await page.locator("[data-action=offers]").click();
	const listed = await page.locator(`[data-role=offer-pool] [data-offer="${offer && offer.name}"]`).count();
	await page.locator("[data-action=offers]").click();
	// The technician's page, phone-sized: the offer is there; Accepter books the job to them at 14:00.
	const link = (await get("gigafibre_dispatch.api.publish.magic_link", { technician: OTHER })).body.message;
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const t = await phone.newPage();
	await t.goto(`${BASE}/t/${String(link).split("/t/").pop()}`);
	const card = t.locator(`.offer[data-offer="${offer && offer.name}"]`);
	const shown = await card.waitFor({ timeout: 8000 }).then(() => true).catch(() => false);
	const card_text = shown ? await card.innerText() : "";
	if (shown) await card.locator("button[data-accept='1']").click();
	const booked = await until(async () => {
		const j = await job_of(job);
		return j && j.assigned_technician === OTHER ? j : null;
	}, 10000);
	await t.screenshot({ path: `${OUT}/offer_on_t.png` });
	await phone.close();
	const live = await until(async () => (await page.evaluate((j) => (window.gigafibre_dispatch_board.store.offers[j] || {}).status, job)) === "accepted", 8000);
	await page.screenshot({ path: `${OUT}/offer_pool.png` });
	check(
		"offer: made from the tray at a start, listed in the pool, accepted on /t, the job booked there, the board told",
		!!offer && offer.start === `${HOME} 14:00:00` && listed === 1 && shown && card_text.includes("14:00") && !!booked && booked.scheduled_start === `${HOME} 14:00:00` && booked.status === "Scheduled" && live,
		`offer ${JSON.stringify(offer)}; pool ${listed}; on /t ${shown} ${JSON.stringify(card_text)}; job ${booked && booked.assigned_technician} ${booked && booked.scheduled_start}; board live ${live}`
	);
});
