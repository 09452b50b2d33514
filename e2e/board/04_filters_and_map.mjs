// Filters kept across reloads (resource kind, tag at a level) and the map's markers.
import { OUT, check, get, open_board, page, settle, state, step, store } from "./page.mjs";

await step("filters persist across reload", async () => {
	await page.selectOption("[data-filter=resource_type]", "material");
	await settle();
	const material = (await get("frappe.client.get_count", { doctype: "Dispatch Technician", filters: JSON.stringify({ active: 1, resource_type: "material" }) })).body.message;
	await page.reload();
	await open_board();
	await settle();
	const value = await page.locator("[data-filter=resource_type]").inputValue();
	const rows = (await store()).resources;
	check("filters persist across reload", value === "material" && rows === material, `after reload: filter ${value}, ${rows} rows (${material} material)`);
	await page.selectOption("[data-filter=resource_type]", "");
	await settle();
});

await step("filters: tag at a minimum level, persisted", async () => {
	// The demo's most common tag; technicians holding it at level ≥ 3 (the server's truth, counted apart).
	const techs = async (level) =>
		(await get("frappe.client.get_list", {
			doctype: "Dispatch Technician",
			fields: JSON.stringify(["name"]),
			filters: JSON.stringify([["active", "=", 1], ["Dispatch Technician Tag", "tag", "=", TAG], ["Dispatch Technician Tag", "level", ">=", level]]),
			limit_page_length: 0,
		})).body.message.map((t) => t.name);
	const all = await page.evaluate(() => window.gigafibre_dispatch_board.store.data.resources.map((r) => Object.entries(r.tags || {})).flat());
	const counts = {};
	for (const [tag, level] of all) if (level >= 3) counts[tag] = (counts[tag] || 0) + 1;
	const TAG = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
	const want = (await techs(3)).sort();
	const wider = (await techs(1)).length;
	await page.click("[data-action=filters]");
	const dialog = page.locator(".modal.show");
	await dialog.locator("[data-fieldname=tags] .grid-add-row").click();
	await page.evaluate((tag) => {
		const grid = cur_dialog.fields_dict.tags.grid;
		Object.assign(grid.get_data()[0], { tag, level: "3" });
		grid.refresh();
	}, TAG);
	await dialog.locator(".btn-primary").click();
	await settle();
	const shown = async () => (await page.evaluate(() => window.gigafibre_dispatch_board.store.resources.map((r) => r.id))).sort();
	const first = await shown();
	await page.reload();
	await open_board();
	await settle();
	const again = await shown();
	const label = await page.locator("[data-role=tag-filter]").innerText().catch(() => "");
	check(
		"filters: tag ≥ level keeps exactly those technicians, persisted",
		first.join() === want.join() && again.join() === want.join() && want.length > 0 && want.length < wider && label.includes(`${TAG} ≥ 3`),
		`${TAG} ≥ 3: ${first.length} rows (server ${want.length}, ${wider} with the tag at any level); after reload ${again.length}; "${label}"`
	);
	await page.evaluate(() => {
		const s = window.gigafibre_dispatch_board.store;
		s.tags = [];
		s.persist();
		return s.load();
	});
	await settle();
});

await step("map markers", async () => {
	await page.click("[data-action=map]");
	await page.waitForSelector(".gdb-map .leaflet-container", { timeout: 10000 });
	await page.waitForTimeout(500);
	const drawn = await page.locator(".gdb-marker-job").count();
	const expected = await page.evaluate(() => {
		const s = window.gigafibre_dispatch_board.store;
		const c = s.data.coords || {};
		const [from, to] = s.period; // the day shown (the day view also holds its neighbours)
		let n = s.data.unassigned.filter((u) => c[u.job]).length;
		for (const r of s.resources) n += r.segments.filter((x) => x.type === "job" && c[x.job] && x.start.slice(0, 10) >= from && x.start.slice(0, 10) <= to).length;
		return n;
	});
	await page.screenshot({ path: `${OUT}/map.png` });
	check("map: one marker per geocoded job", drawn === expected && drawn > 0, `${drawn} markers, ${expected} geocoded jobs`);
	// Every human technician with a known place is on the map, said how (live GPS, last/first job, home); the
	// tiles' state is said when they are not set or do not load.
	const where = await page.locator(".gdb-marker-tech [data-where]").evaluateAll((els) => els.map((e) => [e.dataset.tech, e.dataset.where]));
	const humans = await page.evaluate(() => {
		const st = window.gigafibre_dispatch_board.store;
		const c = st.data.coords || {};
		const gps = st.data.positions || {};
		const [from, to] = st.period;
		const shown = (s) => s.start.slice(0, 10) >= from && s.start.slice(0, 10) <= to;
		return st.resources.filter((r) => r.resource_type !== "material" && (r.home || gps[r.id] || r.segments.some((s) => s.type === "job" && c[s.job] && shown(s)))).map((r) => r.id);
	});
	const tile_url = await page.evaluate(() => window.gigafibre_dispatch_board.store.data.tile_url);
	const tiles_said = await page.locator("[data-role=tiles-state]").count();
	check(
		"map: every technician with a known place drawn and marked (GPS / job / home); tiles' state said when missing",
		humans.length > 0 && humans.every((id) => where.some(([t]) => t === id)) && where.every(([, w]) => ["gps", "job", "home"].includes(w)) && (tile_url ? true : tiles_said === 1),
		`${where.length} technician markers for ${humans.length} technicians (${[...new Set(where.map((w) => w[1]))].join(",")}); tile url ${tile_url || "none"}, said ${tiles_said}`
	);
	await page.click("[data-action=map]");
});
