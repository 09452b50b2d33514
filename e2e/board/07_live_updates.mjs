// Live updates without reload: a GPS fix, another board's drop, a network outage toast.
import { BASE, HOME, LIVE_TECH, OUT, check, open_board, page, session, settle, step, store } from "./page.mjs";

await step("GPS live: a dispatch:gps fix moves the technician's marker, no reload", async () => {
	// The poll (integrations/traccar.py) publishes after its commit (integration test); here the board's side: the
	// event as socket.io delivers it to the listeners the board registered with frappe.realtime.
	await page.click("[data-action=map]");
	await page.waitForSelector(".gdb-map .leaflet-container", { timeout: 10000 });
	// A reload set off by the previous step's realtime event lands first (it would replace the positions).
	await page.waitForTimeout(500);
	await settle();
	const loads = [];
	const listen = (r) => r.url().includes("api.board.get_board") && loads.push(r.url());
	page.on("request", listen);
	const fix = { technician: LIVE_TECH, latitude: 45.6012, longitude: -73.7123, fix_at: (await page.evaluate(() => frappe.datetime.now_datetime())).replace(" ", "T") };
	const delivered = await page.evaluate((data) => {
		const socket = frappe.realtime.socket;
		const listeners = socket && socket.listeners ? socket.listeners("dispatch:gps") : [];
		listeners.forEach((f) => f(data));
		return listeners.length;
	}, fix);
	const marker = page.locator(`.gdb-marker-tech [data-tech="${LIVE_TECH}"]`);
	const shown = await marker.waitFor({ timeout: 5000 }).then(() => true).catch(() => false);
	const at = await page.evaluate((t) => window.gigafibre_dispatch_board.store.data.positions[t], LIVE_TECH);
	await page.waitForTimeout(500);
	page.off("request", listen);
	check(
		"GPS live: marker at the new fix without reload",
		delivered > 0 && shown && at && at.lat === fix.latitude && at.lon === fix.longitude && loads.length === 0,
		`listeners ${delivered}; marker ${shown}; store ${JSON.stringify(at)}; board reloads ${loads.length}`
	);
	await page.click("[data-action=map]");
});

await step("realtime: another board within 1 s", async () => {
	const other = await session();
	await open_board(other.page);
	const live = await other.page.waitForSelector(".gdb-pill.live", { timeout: 10000 }).then(() => true).catch(() => false);
	const victim = (await store()).tray[0];
	const t0 = Date.now();
	const r = await page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.board.drop`, {
		headers: { "X-Frappe-CSRF-Token": await page.evaluate(() => frappe.csrf_token), "Idempotency-Key": crypto.randomUUID() },
		data: { job: victim, technician: LIVE_TECH, start: `${(await store()).date} 15:00:00` },
	});
	const confirmed = Date.now();
	const seen = await other.page
		.waitForSelector(`.gdb-row[data-tech="${LIVE_TECH}"] [data-job="${victim}"]`, { timeout: 10000 })
		.then(() => Date.now())
		.catch(() => null);
	check(
		"realtime: the other board shows the drop within 1 s",
		r.ok() && live && seen && seen - confirmed <= 1000,
		`pill live ${live}; drop ${r.status()} in ${confirmed - t0} ms; seen ${seen ? seen - confirmed : "never"} ms after`
	);
	await other.page.screenshot({ path: `${OUT}/realtime_other.png` });
	await other.context.close();
});

await step("network event (outage from monitoring): a toast and the toolbar chip on an open board, told once per ref", async () => {
	await open_board(page, HOME);
	await page.waitForSelector(".gdb-pill.live", { timeout: 10000 });
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const ref = `e2e-olt-${Date.now()}`;
	const post = () =>
		page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.network.event`, {
			headers: { "X-Frappe-CSRF-Token": csrf },
			data: { kind: "olt_down", message: `OLT Laval-7 down ${ref}`, area: "Laval", ref },
		});
	const first = await post();
	const toast = await page
		.waitForFunction((r) => Array.from(document.querySelectorAll("#alert-container .alert")).some((a) => a.innerText.includes(r)), ref, { timeout: 8000 })
		.then(() => true)
		.catch(() => false);
	const chip = await page.locator("[data-role=network]").innerText().catch(() => "");
	const again = await (await post()).json();
	const bad = await page.request.post(`${BASE}/api/method/gigafibre_dispatch.api.network.event`, { headers: { "X-Frappe-CSRF-Token": csrf }, data: { kind: "party", message: "x" } });
	await page.screenshot({ path: `${OUT}/network_toast.png` });
	check(
		"network: the outage shows as a toast and in the toolbar; a retry is not told twice; an unknown kind is refused",
		first.ok() && toast && chip.includes(ref) && again.message && again.message.published === false && bad.status() === 417,
		`post ${first.status()}; toast ${toast}; chip "${chip}"; retry ${JSON.stringify(again.message)}; unknown kind ${bad.status()}`
	);
});
