// Two dispatchers dropping one job at once; an offer's chip live on another board.
import { randomUUID } from "node:crypto";
import { BASE, OTHER, OUT, TECH, check, created, get, hover_on, job_of, open_board, page, session, settle, step, store, timeline_of, until } from "./page.mjs";

await step("two dispatchers drop the same job at once: one wins, the other snaps back and says why", async () => {
	const other = await session();
	await open_board(other.page);
	await settle(other.page);
	const victim = (await store()).tray[0];
	await other.page.locator(`.gdb-tray-item[data-job="${victim}"]`).waitFor({ timeout: 8000 });
	const answers = [];
	const listen = (who) => async (r) => r.url().includes("api.board.drop") && answers.push([who, r.status()]);
	const l1 = listen("A");
	const l2 = listen("B");
	page.on("response", l1);
	other.page.on("response", l2);
	await hover_on(page, page.locator(`.gdb-tray-item[data-job="${victim}"]`), TECH, 16);
	await hover_on(other.page, other.page.locator(`.gdb-tray-item[data-job="${victim}"]`), OTHER, 16);
	await Promise.all([page.mouse.up(), other.page.mouse.up()]);
	await until(() => answers.length === 2, 10000);
	page.off("response", l1);
	other.page.off("response", l2);
	const winner = answers.find(([, st]) => st === 200);
	const loser = answers.find(([, st]) => st === 409);
	const job = await job_of(victim);
	const lp = loser && loser[0] === "A" ? page : other.page;
	const win_tech = winner && winner[0] === "A" ? TECH : OTHER;
	await settle(lp);
	const shown = await lp.evaluate(() => Array.from(document.querySelectorAll("#alert-container .alert")).map((a) => a.innerText.trim()));
	const snapped = await until(() => lp.locator(`.gdb-row[data-tech="${win_tech}"] [data-job="${victim}"]`).count(), 5000);
	const tl = (await timeline_of(victim)).filter((c) => c === "schedule_propose").length;
	await lp.screenshot({ path: `${OUT}/conflict_loser.png` });
	check(
		"concurrent drops: one 200, one 409, the loser's board shows the winner's booking and the reason",
		!!winner && !!loser && job.assigned_technician === win_tech && tl === 1 && !!snapped && shown.some((a) => a.length > 10),
		`answers ${JSON.stringify(answers)}; server ${job.assigned_technician} ${job.scheduled_start}; proposes ${tl}; loser alert "${shown.slice(-1)}"`
	);
	await other.context.close();
	await settle();
});

await step("offer from the context menu: chip live on another board", async () => {
	// A Proposed job on a row (offers are for triaged/proposed jobs with a planned start).
	const job = (await store()).tray[0];
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const command = (name, data) =>
		page.request.post(`${BASE}/api/v2/document/Dispatch%20Job/${encodeURIComponent(job)}/method/${name}`, {
			headers: { "X-Frappe-CSRF-Token": csrf, "Idempotency-Key": randomUUID() },
			data,
		});
	if ((await job_of(job)).status === "New") await command("triage", { priority: "urgent" });
	const proposed = await command("schedule_propose", { technician: TECH, start: `${(await store()).date} 17:00:00` });
	if (!proposed.ok()) throw new Error(`propose: ${proposed.status()} ${await proposed.text()}`);
	const other = await session();
	await open_board(other.page);
	await settle(other.page);
	await page.evaluate(() => window.gigafibre_dispatch_board.store.load());
	await settle();
	const seg = page.locator(`.gdb-row[data-tech="${TECH}"] [data-job="${job}"]`);
	await seg.waitFor({ timeout: 8000 });
	await seg.click({ button: "right", position: { x: 8, y: 6 } });
	await page.locator("[data-role=context-menu] [data-menu=offer]").click();
	await page.locator(".modal.show .btn-modal-primary").click();
	const made = Date.now();
	const seen = await other.page
		.waitForSelector(`.gdb-row[data-tech="${TECH}"] [data-job="${job}"] .gdb-offer-chip`, { timeout: 10000 })
		.then(() => Date.now())
		.catch(() => null);
	const offers = (await get("frappe.client.get_list", { doctype: "Dispatch Offer", filters: JSON.stringify({ job }), fields: JSON.stringify(["name", "status"]) })).body.message;
	check(
		"offer: created from the menu, its chip on the other board without reload",
		offers.length === 1 && !!seen,
		`${job}: ${offers.map((o) => `${o.name} ${o.status}`)}; chip seen ${seen ? `${seen - made} ms after the click` : "never"}`
	);
	await other.context.close();
});

// A fresh job of this run with an assistant (a plain Desk edit: assistants are not lifecycle fields), opened in the
// right panel from the tray.
