// + WO: the best technicians, a slot booked through the commands, address search with a Nominatim stand-in.
import { BASE, HOME, OUT, check, create_from, created, get, job_of, open_board, page, settle, state, step, timeline_of, until } from "./page.mjs";

await step("+ WO: three best technicians, a slot, booked through the commands", async () => {
	await page.click("[data-action=new-wo]");
	const d = page.locator(".modal.show");
	await d.locator('input[data-fieldname="subject"]').fill(`E2E work order ${Date.now()}`);
	const location = (await get("frappe.client.get_list", { doctype: "Service Location", fields: JSON.stringify(["name", "customer"]), limit_page_length: 1 })).body.message[0];
	await d.locator('input[data-fieldname="service_location"]').fill(location.name);
	await page.waitForTimeout(600);
	await d.locator(".modal-title").click();
	await d.locator('button[data-fieldname="suggest"]').click();
	await d.locator("[data-role=best-techs] tr").first().waitFor({ timeout: 15000 });
	const best = await d.locator("[data-role=best-techs] tr").count();
	await d.locator("[data-role=slots] input[type=radio]").first().check();
	await page.screenshot({ path: `${OUT}/new_wo.png` });
	const name = await create_from(d);
	const job = name && (await job_of(name));
	const tl = name ? await timeline_of(name) : [];
	check(
		"+ WO: created and booked by intake, triage, propose, confirm",
		best === 3 && job && job.status === "Scheduled" && tl.slice(-4).join() === "intake,triage,schedule_propose,schedule_confirm",
		`${best} technicians shown; ${name} ${job && job.status} ${job && job.assigned_technician}; ${tl.join(">")}`
	);
	await settle();
});

await step("+ WO: an address typed finds the site's location and a geocoded place (a local Nominatim stand-in); the place becomes the customer's location", async () => {
	// A real HTTP server answering like Nominatim's /search, on loopback; the site is pointed at it for the step.
	const { createServer } = await import("node:http");
	const asked = [];
	const nominatim = createServer((req, res) => {
		const url = new URL(req.url, "http://x");
		asked.push(url.searchParams.get("q"));
		const body = url.pathname === "/search" && /boulevard/i.test(url.searchParams.get("q") || "")
			? [{ display_name: "77, Boulevard de l'Essai, Laval, Québec, H7N 0A1, Canada", lat: "45.5601", lon: "-73.7102", address: { house_number: "77", road: "Boulevard de l'Essai", city: "Laval", state: "Québec", postcode: "H7N 0A1" } }]
			: [];
		res.writeHead(200, { "Content-Type": "application/json" });
		res.end(JSON.stringify(body));
	});
	await new Promise((r) => nominatim.listen(0, "127.0.0.1", r));
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const settings = (data) => page.request.put(`${BASE}/api/resource/Dispatch Settings/Dispatch Settings`, { headers: { "X-Frappe-CSRF-Token": csrf }, data });
	try {
		await settings({ geocoding_provider: "Nominatim", geocoding_url: `http://127.0.0.1:${nominatim.address().port}` });
		const location = (await get("frappe.client.get_list", { doctype: "Service Location", fields: JSON.stringify(["name", "customer", "address_line"]), filters: JSON.stringify([["address_line", "is", "set"]]), limit_page_length: 1 })).body.message[0];
		await open_board(page, HOME);
		await page.click("[data-action=new-wo]");
		const d = page.locator(".modal.show");
		await d.locator('input[data-fieldname="subject"]').fill(`E2E address ${Date.now()}`);
		// 1. The site's own location, by a piece of its street.
		await d.locator('input[data-fieldname="address_search"]').pressSequentially(location.address_line.slice(0, 8), { delay: 40 });
		const site = d.locator('[data-role=place][data-source="site"]').first();
		await site.waitFor({ timeout: 8000 });
		await site.click();
		// The dialog's value (the Link input may show the location's title instead of its name).
		const picked_site = await until(() => page.evaluate(() => cur_dialog.get_value("service_location") || null), 5000);
		// 2. A street the site does not know: the stand-in's place, made the customer's location on creation.
		await d.locator('input[data-fieldname="customer"]').fill(location.customer);
		await page.waitForTimeout(500);
		await d.locator(".modal-title").click();
		await d.locator('input[data-fieldname="address_search"]').fill("");
		await d.locator('input[data-fieldname="address_search"]').pressSequentially("77 boulevard de l'Essai", { delay: 20 });
		const osm = d.locator('[data-role=place][data-source="nominatim"]').first();
		await osm.waitFor({ timeout: 8000 });
		await page.screenshot({ path: `${OUT}/new_wo_address.png` });
		await osm.click();
		const name = await create_from(d);
		const job = name && (await get("frappe.client.get_value", { doctype: "Dispatch Job", filters: JSON.stringify({ name }), fieldname: "service_location" })).body.message;
		const made = job && (await get("frappe.client.get_value", { doctype: "Service Location", filters: JSON.stringify({ name: job.service_location }), fieldname: JSON.stringify(["customer", "address_line", "city", "latitude", "longitude"]) })).body.message;
		check(
			"+ WO address: the site's location picked by its street; a geocoded place made the customer's new location with its coordinates",
			picked_site === location.name && !!made && made.customer === location.customer && made.address_line === "77 Boulevard de l'Essai" && made.city === "Laval" && Math.abs(made.latitude - 45.5601) < 1e-6 && asked.length > 0,
			`site ${picked_site} (expected ${location.name}); job ${name} at ${job && job.service_location}: ${JSON.stringify(made)}; stand-in asked ${asked.length}×`
		);
	} finally {
		await settings({ geocoding_provider: "Offline", geocoding_url: "" });
		nominatim.close();
	}
});
