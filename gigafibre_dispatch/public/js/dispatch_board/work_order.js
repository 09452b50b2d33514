// + WO: a work order from the board. Customer and service location (found by typing its address, a new one from a
// geocoded place or the Link's own "Create"),
// tags, duration, priority; the three best technicians with their score breakdown and travel estimate; "Find a
// slot" (slot suggestions); created through `intake` and, with a chosen slot, booked through the commands.
import { api } from "./api";
import { drive_label } from "./time";

const SCHEDULING = "gigafibre_dispatch.api.scheduling";
// The job's lists as the Dispatch Job DocType holds them (the engine's own: tests/test_one_home.py).
async function job_options(fieldname) {
	await frappe.model.with_doctype("Dispatch Job");
	const df = frappe.meta.get_docfield("Dispatch Job", fieldname);
	return String((df && df.options) || "").split("\n").filter(Boolean);
}

export async function new_work_order(store) {
	let picked = null; // {technician, start}
	const [job_types, priorities] = await Promise.all([job_options("job_type"), job_options("priority")]);
	const d = new frappe.ui.Dialog({
		title: __("New work order"),
		size: "large",
		fields: [
			{ fieldname: "subject", fieldtype: "Data", label: __("Subject"), reqd: 1 },
			{ fieldname: "customer", fieldtype: "Link", options: "Customer", label: __("Customer") },
			{
				fieldname: "address_search",
				fieldtype: "Data",
				label: __("Address"),
				description: __("Type an address: the site's locations, then the map's places"),
			},
			{ fieldname: "address_results", fieldtype: "HTML" },
			{
				fieldname: "service_location",
				fieldtype: "Link",
				options: "Service Location",
				label: __("Service Location"),
				get_query: () => (d.get_value("customer") ? { filters: { customer: d.get_value("customer") } } : {}),
			},
			{ fieldname: "col", fieldtype: "Column Break" },
			{ fieldname: "job_type", fieldtype: "Select", label: __("Job Type"), options: job_types.map((t) => ({ value: t, label: __(t) })), default: job_types[0] },
			{ fieldname: "priority", fieldtype: "Select", label: __("Priority"), options: priorities.map((p) => ({ value: p, label: __(p) })), default: "medium" },
			{ fieldname: "duration_h", fieldtype: "Float", label: __("Duration (h)"), default: 1 },
			{
				fieldname: "tags",
				fieldtype: "MultiSelectList",
				label: __("Tags"),
				get_data: (txt) => frappe.db.get_link_options("Dispatch Tag", txt),
			},
			{ fieldname: "sec", fieldtype: "Section Break", label: __("Who and when") },
			{ fieldname: "suggest", fieldtype: "Button", label: __("Find a slot") },
			{ fieldname: "suggestions", fieldtype: "HTML" },
		],
		primary_action_label: __("Create"),
		async primary_action(values) {
			const args = {
				subject: values.subject,
				customer: values.customer,
				service_location: values.service_location,
				job_type: values.job_type,
				priority: values.priority,
				duration_h: values.duration_h || 1,
				tags: JSON.stringify(values.tags || []),
			};
			if (picked) Object.assign(args, { assigned_technician: picked.technician, scheduled_start: picked.start });
			if (place && !values.service_location) args.place = JSON.stringify(place);
			try {
				const r = await api.call(`${SCHEDULING}.create_work_order`, args);
				d.hide();
				frappe.show_alert({ message: __("{0} created ({1})", [r.name, __(r.status)]), indicator: "green" });
				await store.load();
				store.select(r.name);
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			}
		},
	});
	const $box = d.fields_dict.suggestions.$wrapper;

	// The address search: typed text (3 characters or more, 300 ms after the last key) → the site's Service
	// Locations, then the geocoding provider's places; a site result fills the Service Location, a place is made
	// the customer's new location when the work order is created.
	let place = null;
	let timer = null;
	const $results = d.fields_dict.address_results.$wrapper;
	d.fields_dict.address_search.$input.on("input", () => {
		clearTimeout(timer);
		timer = setTimeout(search_address, 300);
	});
	async function search_address() {
		const q = (d.get_value("address_search") || "").trim();
		if (q.length < 3) return $results.empty();
		let found;
		try {
			found = await api.read(`${SCHEDULING}.search_address`, { q, customer: d.get_value("customer") || undefined });
		} catch (e) {
			return $results.html(`<div class="text-danger small">${frappe.utils.escape_html(e.message)}</div>`);
		}
		if (q !== (d.get_value("address_search") || "").trim()) return; // typed on meanwhile
		const esc = frappe.utils.escape_html;
		const rows = found.results
			.map(
				(r, i) => `<button type="button" class="btn btn-xs btn-default gdb-place" data-role="place" data-source="${esc(r.source)}" data-i="${i}"
					style="display:block;width:100%;text-align:left;margin:2px 0">${r.source === "site" ? "📍" : "🗺"} ${esc(r.label)}${
					r.latitude == null ? ` <span class="text-warning">${__("no coordinates")}</span>` : ""
				}</button>`
			)
			.join("");
		const note = found.provider_ok ? "" : `<div class="text-warning small" data-role="geocoding-down">${__("The map's address search is not answering: the site's locations only")}</div>`;
		$results.html(`${rows || `<div class="text-muted small">${__("No match")}</div>`}${note}`);
		$results.find("[data-role=place]").on("click", (e) => {
			const r = found.results[Number(e.currentTarget.dataset.i)];
			if (r.source === "site") {
				place = null;
				d.set_value("service_location", r.service_location);
				if (!d.get_value("customer") && r.customer) d.set_value("customer", r.customer);
			} else {
				place = r;
				d.set_value("service_location", "");
			}
			$results.html(`<div class="small" data-role="place-picked">✓ ${esc(r.label)}${r.source === "site" ? "" : ` — ${__("a new location of the customer")}`}</div>`);
		});
	}

	async function where() {
		if (place) return { latitude: place.latitude, longitude: place.longitude };
		const location = d.get_value("service_location");
		if (!location) return {};
		const loc = await frappe.db.get_value("Service Location", location, ["latitude", "longitude"]);
		return loc.message || {};
	}

	async function suggest() {
		picked = null;
		$box.html(`<div class="text-muted">${__("Searching...")}</div>`);
		const { latitude, longitude } = await where();
		const base = {
			latitude,
			longitude,
			tags: JSON.stringify(d.get_value("tags") || []),
			duration_h: d.get_value("duration_h") || 1,
		};
		try {
			const [best, slots] = await Promise.all([
				api.call(`${SCHEDULING}.best_technicians`, { ...base, date: store.date, limit: 3 }),
				api.call(`${SCHEDULING}.suggest_slots`, { ...base, start_date: store.date, limit: 6 }),
			]);
			render(best, slots);
		} catch (e) {
			$box.html(`<div class="text-danger">${frappe.utils.escape_html(e.message)}</div>`);
		}
	}

	function render(best, slots) {
		const esc = frappe.utils.escape_html;
		const km = (b) => (b.distance_km == null ? "—" : `${b.distance_km} km`);
		const minutes = drive_label; // the routing service's drive, or the estimate, said as such
		const rows = best
			.map(
				(t) => `<tr data-tech="${esc(t.technician)}"><td><b>${esc(t.technician_name)}</b></td><td>${t.score}</td>
				<td>${km(t.breakdown)} · ${minutes(t)}</td>
				<td class="small text-muted">${__("Proximity")} ${t.breakdown.proximity} · ${__("Load")} ${t.breakdown.load} · ${__("Skill")} ${t.breakdown.skill}</td>
				<td class="small text-warning">${(t.warnings || []).map((w) => esc(w.tag || w.code)).join(", ")}</td></tr>`
			)
			.join("");
		const options = slots
			.map(
				(s, i) => `<label class="gdb-slot" style="display:block"><input type="radio" name="gdb-slot" value="${i}">
				${esc(s.technician_name)} — ${esc(s.start.replace("T", " ").slice(0, 16))} → ${esc(s.end.slice(11, 16))} (${s.score})</label>`
			)
			.join("");
		$box.html(`
			<div class="small text-muted">${__("Best technicians")}</div>
			<table class="table table-sm small" data-role="best-techs"><tbody>${rows || `<tr><td>${__("Nobody")}</td></tr>`}</tbody></table>
			<div class="small text-muted">${__("Slots")}</div>
			<div data-role="slots">${options || __("No free slot in the horizon")}</div>
			<label class="gdb-slot small"><input type="radio" name="gdb-slot" value="" checked> ${__("No booking: to the tray")}</label>`);
		$box.find("input[name=gdb-slot]").on("change", (e) => {
			const i = e.target.value;
			picked = i === "" ? null : { technician: slots[i].technician, start: slots[i].start };
		});
	}

	d.fields_dict.suggest.$input.on("click", suggest);
	d.show();
	return d;
}
