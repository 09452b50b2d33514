// A French dispatcher sees French; a technician-only user is refused the board.
import { BASE, HOME, OUT, TECH, check, get, new_user, open_board, page, session, settle, step } from "./page.mjs";

await step("a French dispatcher: command labels, conflicts and a refused past drop in French", async () => {
	const user = await new_user("fr", { first_name: "Répartitrice", language: "fr" }, "Dispatcher");
	const fr = await session(user.email, user.pwd);
	try {
		await open_board(fr.page, HOME);
		const job = await fr.page.evaluate(() => (window.gigafibre_dispatch_board.store.tray[0] || {}).job);
		await fr.page.evaluate((j) => window.gigafibre_dispatch_board.store.select(j), job);
		await fr.page.locator("[data-role=job-panel] [data-command]").first().waitFor({ timeout: 8000 });
		const labels = await fr.page.locator("[data-role=job-panel] [data-command]").allInnerTexts();
		const conflict = await fr.page.evaluate(() => __("Conflict: outside the technician's shift"));
		const yesterday = await fr.page.evaluate(() => frappe.datetime.add_days(frappe.datetime.get_today(), -1));
		const past = await get("gigafibre_dispatch.api.board.check_drop", { job, technician: TECH, start: `${yesterday} 10:00:00` }, fr.page);
		await fr.page.screenshot({ path: `${OUT}/panel_fr.png` });
		// Each view in normal and in planning mode, in French.
		for (const view of ["week", "month", "day"]) {
			await fr.page.click(`[data-view=${view}]`);
			await settle(fr.page);
			await fr.page.screenshot({ path: `${OUT}/${view}_fr.png` });
		}
		await fr.page.click("[data-action=planning]");
		for (const view of ["day", "week", "month"]) {
			await fr.page.click(`[data-view=${view}]`);
			await settle(fr.page);
			await fr.page.screenshot({ path: `${OUT}/planning_${view}_fr.png` });
		}
		await fr.page.click("[data-action=planning]");
		await fr.page.click("[data-view=day]");
		const english = ["Triage", "Propose Schedule", "Confirm Schedule", "Dispatch to Technician", "Cancel", "Release Schedule"];
		const msg = (past.body.message || {}).message || "";
		check(
			"French: panel commands, conflict text and a refused past drop speak French",
			labels.length > 0 && !labels.some((l) => english.includes(l.trim())) && /Conflit/.test(conflict) && past.body.message.level === "blocked" && /passé/.test(msg),
			`labels ${JSON.stringify(labels)}; conflict "${conflict}"; past drop ${past.status} "${msg}"`
		);
	} finally {
		await fr.context.close();
		await user.drop();
	}
});

await step("Technician-only user refused", async () => {
	const user = await new_user("tech", { first_name: "Tech e2e" }, "Technician");
	const tech = await session(user.email, user.pwd);
	await tech.page.goto(`${BASE}/app/dispatch-board`);
	await tech.page.waitForTimeout(3000);
	const mounted = await tech.page.locator(".gdb-root").count();
	const data = await get("gigafibre_dispatch.api.board.get_board", { date_from: "2026-11-23", date_to: "2026-11-23" }, tech.page);
	await tech.page.screenshot({ path: `${OUT}/technician_refused.png` });
	check("Technician-only: page not mounted, data refused", mounted === 0 && data.status === 403, `board mounted ${mounted}; get_board ${data.status}`);
	await tech.context.close();
	await user.drop();
});
