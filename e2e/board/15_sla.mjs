// SLA deadlines on the board: a booked job that ends past its deadline is marked at risk (amber, with the time left
// in its tooltip and the right panel); a tray job past its deadline is marked breached. Server state read back.
import { BASE, HOME, OUT, check, get, go_home, open_board, page, scroll_tray_to, settle, step, triaged_work_order, until } from "./page.mjs";

const set_deadline = async (job, field, value) => {
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const r = await page.request.post(`${BASE}/api/method/frappe.client.set_value`, {
		headers: { "X-Frappe-CSRF-Token": csrf },
		data: { doctype: "Dispatch Job", name: job, fieldname: field, value },
	});
	if (!r.ok()) throw new Error(`set ${field}: ${r.status()} ${await r.text()}`);
};
const plus = (iso, minutes) => {
	const d = new Date(`${iso.replace(" ", "T").slice(0, 16)}:00Z`);
	d.setUTCMinutes(d.getUTCMinutes() + minutes);
	return d.toISOString().slice(0, 16).replace("T", " ") + ":00";
};

await step("SLA: a booked job ending past its deadline is at risk, a tray job past it breached", async () => {
	if (!(await page.evaluate(() => !!window.gigafibre_dispatch_board))) await open_board(); // run alone (SPECS=15_sla)
	const { job, command } = await triaged_work_order(`SLA e2e ${Date.now()}`);
	const slots = (await get("gigafibre_dispatch.api.scheduling.suggest_slots", { job, start_date: HOME, limit: 20 })).body.message;
	const slot = slots.find((s) => s.start.startsWith(HOME)) || slots[0];
	const booked = await command("schedule_book", { technician: slot.technician, start: slot.start.replace("T", " ") });
	if (!booked.ok()) throw new Error(`book: ${booked.status()} ${await booked.text()}`);
	await set_deadline(job, "resolution_by", plus(slot.start, 30)); // the job ends 30 min after it
	const late = await triaged_work_order(`SLA e2e late ${Date.now()}`);
	await set_deadline(late.job, "resolution_by", plus(new Date().toISOString(), -24 * 60)); // yesterday
	await page.evaluate((d) => window.gigafibre_dispatch_board.store.go_day(d), slot.start.slice(0, 10));
	await settle();
	await page.evaluate((t) => window.gigafibre_dispatch_board.timeline.scroll_to_row(t), slot.technician);
	const block = page.locator(`.gdb-seg.gdb-job[data-job="${job}"]`);
	await block.waitFor({ timeout: 15000 });
	const cls = (await block.getAttribute("class")) || "";
	const tip = (await block.getAttribute("title")) || "";
	check("SLA: the booked block is at risk (amber) with the time left", cls.includes("sla-at_risk") && /SLA at risk: due in/.test(tip) && (await block.locator('[data-role="sla"]').count()) === 1, `${cls} | ${tip}`);
	await block.click({ position: { x: 8, y: 6 } });
	await page.locator("[data-role=job-panel] [data-role=status]").waitFor({ timeout: 10000 });
	await page.screenshot({ path: `${OUT}/sla-panel.png` });
	const panel = page.locator('[data-role="job-panel"] [data-role="sla"]');
	await panel.waitFor({ timeout: 10000 });
	check("SLA: the right panel says it", (await panel.getAttribute("data-sla")) === "at_risk" && /SLA at risk/.test(await panel.textContent()), await panel.textContent());
	await scroll_tray_to(late.job);
	const item = page.locator(`.gdb-tray-item[data-job="${late.job}"]`);
	const tray_cls = await until(async () => ((await item.count()) ? await item.getAttribute("class") : null), 10000);
	check("SLA: the tray job past its deadline is breached (red)", !!tray_cls && tray_cls.includes("sla-breached") && /SLA deadline missed/.test((await item.getAttribute("title")) || ""), tray_cls || "not in the tray");
	const alerts = (await get("gigafibre_dispatch.api.ops.alerts")).body.data;
	check("SLA: the breach counts in the alerts", alerts.signals.sla_breaches >= 1, JSON.stringify(alerts.signals));
	await go_home();
});
