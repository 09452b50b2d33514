// The right panel: assistants (removed, added and moved by drag), the triage tags editor, place on map.
import { BASE, HOME, LIVE_TECH, OTHER, OUT, TECH, check, created, drag, get, job_of, open_board, page, point, settle, state, step, timeline_of, triaged_work_order, until } from "./page.mjs";

async function job_with_assistant() {
	const job = created.at(-1);
	const csrf = await page.evaluate(() => frappe.csrf_token);
	const r = await page.request.put(`${BASE}/api/resource/Dispatch%20Job/${encodeURIComponent(job)}`, {
		headers: { "X-Frappe-CSRF-Token": csrf },
		data: { assistants: [{ tech_id: OTHER, duration_h: 1 }] },
	});
	if (!r.ok()) throw new Error(`assistant: ${r.status()} ${await r.text()}`);
	await page.evaluate((j) => window.gigafibre_dispatch_board.store.load().then(() => window.gigafibre_dispatch_board.store.select(j)), job);
	await page.locator(`[data-role=job-panel] [data-role=assistant][data-tech="${OTHER}"]`).waitFor({ timeout: 8000 });
	return job;
}

await step("right panel: remove an assistant (assistant_remove)", async () => {
	const job = await job_with_assistant();
	const before = await job_of(job);
	// The chip names the assistant, not its ID.
	const other_name = (await get("frappe.client.get_value", { doctype: "Dispatch Technician", filters: JSON.stringify({ name: OTHER }), fieldname: "technician_name" })).body.message.technician_name;
	const chip_text = (await page.locator(`[data-role=job-panel] [data-role=assistant][data-tech="${OTHER}"]`).innerText()).trim();
	check("right panel: the assistant's chip shows their name", chip_text.startsWith(other_name) && other_name !== OTHER, `${OTHER}: "${chip_text}" (name "${other_name}")`);
	const keys = [];
	const listen = (r) => r.url().includes("/method/assistant_remove") && keys.push(r.headers()["idempotency-key"]);
	page.on("request", listen);
	await page.locator(`[data-role=job-panel] [data-role=assistant][data-tech="${OTHER}"] [data-action=remove-assistant]`).click();
	await page.locator(".modal.show .btn-primary").click();
	const gone = await until(async () => {
		const doc = (await get("frappe.client.get", { doctype: "Dispatch Job", name: job })).body.message;
		return doc && !doc.assistants.length ? doc : null;
	});
	page.off("request", listen);
	const tl = await timeline_of(job);
	const chip = await until(async () => (await page.locator(`[data-role=job-panel] [data-role=assistant][data-tech="${OTHER}"]`).count()) === 0, 5000);
	check(
		"right panel: assistant removed by assistant_remove, state kept, with an Idempotency-Key",
		!!gone && gone.status === before.status && tl.at(-1) === "assistant_remove" && keys.length === 1 && /^[0-9a-f-]{36}$/.test(keys[0] || "") && chip,
		`${job} ${before.status} → ${gone && gone.status}; timeline ${tl.slice(-2).join(">")}; key ${keys[0]}; chip gone ${chip}`
	);
	await settle();
});

await step("assistants by drag: a technician onto a job adds a helper; the helper's block onto another row moves them; a pinned one stays", async () => {
	const { job, command } = await triaged_work_order("E2E helpers");
	const booked = await command("schedule_book", { technician: TECH, start: `${HOME} 14:00:00` });
	if (!booked.ok()) throw new Error(`book: ${booked.status()} ${await booked.text()}`);
	const helpers = async () => ((await get("frappe.client.get", { doctype: "Dispatch Job", name: job })).body.message.assistants || []).map((a) => `${a.tech_id}${a.pinned ? "*" : ""}`);
	await open_board(page, HOME);
	// Compact rows: the three technicians' rows on one screen.
	await page.evaluate(() => (window.gigafibre_dispatch_board.store.compact = true));
	await page.waitForTimeout(200);
	// 1. OTHER's name onto the job block.
	await point(TECH, 14.5);
	const block = page.locator(`.gdb-row[data-tech="${TECH}"] .gdb-job[data-job="${job}"]`);
	await page.evaluate((t) => window.gigafibre_dispatch_board.timeline.scroll_to_row(t), OTHER);
	const name = page.locator(`.gdb-row[data-tech="${OTHER}"] .gdb-name`);
	await name.waitFor({ timeout: 8000 });
	const target = await block.boundingBox();
	const added = await drag(name, target.x + target.width / 2, target.y + target.height / 2, { grab_dx: 40 });
	const after_add = await until(async () => {
		const h = await helpers();
		return h.includes(OTHER) ? h : null;
	});
	await settle();
	// 2. OTHER's assist block onto LIVE_TECH's row.
	const assist = page.locator(`.gdb-row[data-tech="${OTHER}"] .gdb-assist[data-job="${job}"]`);
	await point(OTHER, 14.5);
	await assist.waitFor({ timeout: 8000 });
	const to = await point(LIVE_TECH, 14.5);
	const moved = await drag(assist, to.x, to.y, { grab_dx: 20 });
	const after_move = await until(async () => {
		const h = await helpers();
		return h.includes(LIVE_TECH) && !h.includes(OTHER) ? h : null;
	});
	await settle();
	await page.screenshot({ path: `${OUT}/assistants_drag.png` });
	// 3. A pinned helper: the drag says why, nothing moves.
	const pin = await command("assistant_add", { tech_id: OTHER, pinned: true });
	await page.evaluate(() => window.gigafibre_dispatch_board.store.load());
	await settle();
	await point(OTHER, 14.5);
	const pinned_block = page.locator(`.gdb-row[data-tech="${OTHER}"] .gdb-assist[data-job="${job}"]`);
	await pinned_block.waitFor({ timeout: 8000 });
	const to2 = await point(TECH, 9);
	const refused = await drag(pinned_block, to2.x, to2.y, { grab_dx: 20 });
	await page.waitForTimeout(500);
	const after_pinned = await helpers();
	const commands = await timeline_of(job);
	await command("cancel", { reason: "e2e: helpers checked" });
	created.splice(created.indexOf(job), 1); // cancelled here: the next steps' "last job" is the one before
	await page.evaluate(() => (window.gigafibre_dispatch_board.store.compact = false));
	check(
		"assistants: name → job adds the helper (assistant_add), assist block → another row moves it, a pinned helper's drag is blocked and changes nothing",
		added.level === "allowed" && after_add && moved.level === "allowed" && after_move && pin.ok() &&
			refused.level === "blocked" && after_pinned.includes(`${OTHER}*`) && after_pinned.includes(LIVE_TECH) &&
			commands.filter((c) => c === "assistant_add").length === 3,
		`add ${added.level} "${added.message}" → ${JSON.stringify(after_add)}; move ${moved.level} "${moved.message}" → ${JSON.stringify(after_move)}; pinned ${refused.level} "${refused.message}" → ${JSON.stringify(after_pinned)}; ${JSON.stringify(commands)}`
	);
});

await step("right panel: triage tags editor (tag, level, required rows)", async () => {
	const job = created.at(-1);
	const tags = (await get("frappe.client.get_list", { doctype: "Dispatch Tag", fields: JSON.stringify(["name"]), limit_page_length: 2 })).body.message.map((t) => t.name);
	await page.evaluate((j) => window.gigafibre_dispatch_board.store.select(j), job);
	await page.locator("[data-role=job-panel] [data-command=triage]").waitFor({ timeout: 8000 });
	// The command buttons speak the user's language (every command label is in the catalogue).
	const lang = await page.evaluate(() => frappe.boot.lang);
	const labels = await page.locator("[data-role=job-panel] [data-command]").allInnerTexts();
	const english = ["Triage", "Propose Schedule", "Confirm Schedule", "Dispatch to Technician", "Book", "Cancel", "Release Schedule"];
	check(
		"right panel: command buttons in the site's language",
		labels.length > 0 && (lang === "en" || !labels.some((l) => english.includes(l.trim()))),
		`${lang}: ${JSON.stringify(labels)}`
	);
	await page.locator("[data-role=job-panel] [data-command=triage]").click();
	const dialog = page.locator(".modal.show");
	await dialog.locator("[data-fieldname=tags] .grid-add-row").waitFor({ timeout: 8000 });
	await dialog.locator("[data-fieldname=tags] .grid-add-row").click();
	await dialog.locator("[data-fieldname=tags] .grid-add-row").click();
	const rows = await dialog.locator("[data-fieldname=tags] .grid-body .grid-row").count();
	// The rows' values as a user picks them (the Link's dropdown itself is Frappe's own control).
	await page.evaluate((tags) => {
		const grid = cur_dialog.fields_dict.tags.grid;
		const data = grid.get_data();
		Object.assign(data[0], { tag: tags[0], level: "4", required: 1 });
		Object.assign(data[1], { tag: tags[1], level: "2", required: 0 });
		grid.refresh();
	}, tags);
	await dialog.locator(".btn-primary").click();
	const saved = await until(async () => {
		const doc = (await get("frappe.client.get", { doctype: "Dispatch Job", name: job })).body.message;
		return doc && doc.tags.length === 2 ? doc : null;
	});
	const got = saved ? saved.tags.map((t) => `${t.tag}:${t.level}:${t.required}`).sort().join() : "";
	const want = [`${tags[0]}:4:1`, `${tags[1]}:2:0`].sort().join();
	check("triage tags editor: rows saved as {tag, level, required}", rows === 2 && got === want && (await timeline_of(job)).at(-1) === "triage", `${rows} rows; ${got}`);
	await settle();
});

await step("right panel: place on map (geofix)", async () => {
	const job = created.at(-1);
	await page.evaluate((j) => window.gigafibre_dispatch_board.store.select(j), job);
	await page.locator("[data-role=job-panel] [data-action=place-on-map]").waitFor({ timeout: 8000 });
	const location = (await get("frappe.client.get_value", { doctype: "Dispatch Job", filters: job, fieldname: "service_location" })).body.message.service_location;
	const loc = async () => (await get("frappe.client.get_value", { doctype: "Service Location", filters: location, fieldname: JSON.stringify(["latitude", "longitude"]) })).body.message;
	const original = await loc();
	await page.locator("[data-role=job-panel] [data-action=place-on-map]").click();
	await page.waitForSelector(".gdb-map.placing .leaflet-container", { timeout: 10000 });
	await page.waitForTimeout(300);
	const box = await page.locator(".gdb-map-canvas").boundingBox();
	await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.6);
	const moved = await until(async () => {
		const now = await loc();
		return now && (now.latitude !== original.latitude || now.longitude !== original.longitude) ? now : null;
	});
	const doc = (await get("frappe.client.get", { doctype: "Dispatch Job", name: job })).body.message;
	const drawn = await until(() => page.evaluate((j) => {
		const c = window.gigafibre_dispatch_board.store.data.coords[j];
		return c ? c : null;
	}, job), 5000);
	await page.screenshot({ path: `${OUT}/geofix.png` });
	check(
		"geofix: the click's coordinates saved on the location and the job, marker moved",
		!!moved && Number(doc.latitude) === Number(moved.latitude) && Number(doc.longitude) === Number(moved.longitude) && !!drawn && drawn[0] === moved.latitude && drawn[1] === moved.longitude,
		`${location}: ${original.latitude},${original.longitude} → ${moved && moved.latitude},${moved && moved.longitude}; job ${doc.latitude},${doc.longitude}; board ${drawn}`
	);
	// Put the shared demo location back where it was (the same endpoint).
	await page.evaluate(
		({ job, lat, lon }) => frappe.xcall("gigafibre_dispatch.api.board.geofix", { job, latitude: lat, longitude: lon }),
		{ job, lat: original.latitude, lon: original.longitude }
	);
	await page.click("[data-action=map]");
	await settle();
});
