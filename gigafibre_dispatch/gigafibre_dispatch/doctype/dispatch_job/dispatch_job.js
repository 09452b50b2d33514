// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

const SCHEDULING = "gigafibre_dispatch.api.scheduling";

frappe.ui.form.on("Dispatch Job", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.is_recurring) return;
		add_lifecycle_buttons(frm);
		frm.add_custom_button(__("Best Technicians"), () => show_ranking(frm), __("Dispatch"));
		frm.add_custom_button(__("Suggest Slots"), () => show_slots(frm), __("Dispatch"));
		if (["New", "Triaged"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Send Booking Link"), () => send_booking_link(frm), __("Dispatch"));
		}
	},
	service_location(frm) {
		if (!frm.doc.service_location) return;
		frappe.db
			.get_value("Service Location", frm.doc.service_location, ["customer", "latitude", "longitude"])
			.then(({ message }) => {
				if (message && message.customer && !frm.doc.customer) frm.set_value("customer", message.customer);
			});
	},
});

function send_booking_link(frm) {
	frappe.confirm(__("Text the customer a link to pick the time of this job?"), () =>
		frappe
			.call({ method: "gigafibre_dispatch.api.customer.send_booking_link", args: { job: frm.doc.name }, freeze: true })
			.then(({ message }) => {
				frappe.show_alert({ message: __("Booking link sent"), indicator: "green" });
				frm.reload_doc();
			})
	);
}

function show_ranking(frm) {
	frappe.call({ method: `${SCHEDULING}.best_technicians`, args: { job: frm.doc.name, limit: 10 } }).then(({ message }) => {
		const ranked = message || [];
		const rows = ranked
			.map((r, i) => {
				const b = r.breakdown;
				const warn = r.warnings
					.map((w) => frappe.utils.escape_html(w.tag ? __("Below level {0} in {1}", [w.required, w.tag]) : w.code))
					.join(", ");
				return `<tr><td>${i + 1}</td><td>${frappe.utils.escape_html(r.technician_name)}</td>
					<td class="text-right">${r.score.toFixed(1)}</td>
					<td class="text-right">${b.distance_km ?? "–"}</td><td class="text-right">${b.proximity}</td>
					<td class="text-right">${b.load}</td><td class="text-right">${b.overload}</td>
					<td class="text-right">${b.gps}</td><td class="text-right">${b.skill}</td><td>${warn}</td>
					<td><button class="btn btn-xs btn-default btn-book" data-index="${i}">${__("Book")}</button></td></tr>`;
			})
			.join("");
		const d = new frappe.ui.Dialog({
			title: __("Best Technicians"),
			size: "extra-large",
			fields: [{ fieldname: "ranking", fieldtype: "HTML" }],
		});
		d.fields_dict.ranking.$wrapper.html(
			`<div class="table-responsive"><table class="table table-sm"><thead><tr><th>#</th><th>${__("Technician")}</th>
				<th class="text-right">${__("Score")}</th><th class="text-right">km</th><th class="text-right">${__("Proximity")}</th>
				<th class="text-right">${__("Load")}</th><th class="text-right">${__("Overload")}</th><th class="text-right">GPS</th>
				<th class="text-right">${__("Skill")}</th><th>${__("Warnings")}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`
		);
		d.fields_dict.ranking.$wrapper.on("click", ".btn-book", (e) => {
			const r = ranked[Number($(e.currentTarget).attr("data-index"))];
			frappe.prompt(
				[{ fieldname: "start", fieldtype: "Datetime", label: __("Start"), reqd: 1, default: frm.doc.scheduled_start }],
				({ start }) => book(frm, r.technician, start).then((ok) => ok && d.hide()),
				__("Book {0}", [r.technician_name]),
				__("Book")
			);
		});
		d.show();
	});
}

function show_slots(frm) {
	frappe.call({ method: `${SCHEDULING}.suggest_slots`, args: { job: frm.doc.name } }).then(({ message }) => {
		const slots = message || [];
		if (!slots.length) {
			frappe.msgprint(__("No free slot in the horizon"));
			return;
		}
		const d = new frappe.ui.Dialog({
			title: __("Suggest Slots"),
			fields: [
				{
					fieldname: "slot",
					fieldtype: "Select",
					label: __("Slot"),
					default: "0",
					options: slots.map((s, i) => ({
						value: String(i),
						label: `${frappe.datetime.str_to_user(s.start.replace("T", " "))} – ${s.technician_name}`,
					})),
				},
			],
			primary_action_label: __("Book"),
			primary_action({ slot }) {
				const s = slots[Number(slot)];
				book(frm, s.technician, s.start).then((ok) => ok && d.hide());
			},
		});
		d.show();
	});
}

// Booking is never a field edit: the server triages a New job, then proposes (drop rules) and confirms.
function book(frm, technician, start) {
	return frappe
		.call({ method: `${SCHEDULING}.book_slot`, args: { job: frm.doc.name, technician, start: start.replace("T", " ") } })
		.then(({ message }) => {
			frappe.show_alert({ message: __("Booked: {0}", [__(message.status)]), indicator: "green" });
			frm.reload_doc();
			return true;
		})
		.catch(() => false);
}

// ---------------------------------------------------------------- lifecycle commands

const LIFECYCLE = "gigafibre_dispatch.api.lifecycle";
const FIELD_TYPES = { choice: "Select", datetime: "Datetime", number: "Float", bool: "Check", text: "Small Text", list: "Code" };
const LINKS = { technician: "Dispatch Technician" };
const ATTACH = { file_url: "Attach", signature_url: "Attach Image" };
let command_specs = null;

async function add_lifecycle_buttons(frm) {
	const get = (method, args) =>
		frappe.call({ method: `${LIFECYCLE}.${method}`, type: "GET", args }).then((r) => r.data);
	if (!command_specs) command_specs = await get("command_specs", {});
	const job = await get("get_job", { job: frm.doc.name });
	for (const action of job.actions.filter((a) => a.enabled)) {
		frm.add_custom_button(__(action.label), () => run_command(frm, action.command), __("Actions"));
	}
}

function command_fields(command) {
	const spec = command_specs[command];
	return Object.entries(spec.fields).map(([fieldname, f]) => ({
		fieldname,
		label: __(frappe.model.unscrub(fieldname)),
		fieldtype: ATTACH[fieldname] || (LINKS[fieldname] ? "Link" : FIELD_TYPES[f.kind] || "Data"),
		options: LINKS[fieldname] || (f.choices.length ? ["", ...f.choices].join("\n") : undefined),
		reqd: f.required ? 1 : 0,
	}));
}

function run_command(frm, command) {
	const fields = command_fields(command);
	const send = (values) => post_command(frm, command, values || {});
	if (!fields.length) {
		frappe.confirm(__("{0} this job?", [__(command_specs[command].label)]), () => send({}));
		return;
	}
	const d = new frappe.ui.Dialog({
		title: __(command_specs[command].label),
		fields,
		primary_action_label: __(command_specs[command].label),
		primary_action(values) {
			const payload = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "" && v !== null && v !== undefined));
			send(payload).then((ok) => ok && d.hide());
		},
	});
	d.show();
}

async function post_command(frm, command, payload) {
	// One key per intended command: a retry of this same click would replay, not act twice.
	const key = gigafibre_dispatch.uuid4(); // public/js/uuid4.js (hooks: app_include_js)
	const response = await fetch(`/api/v2/document/Dispatch%20Job/${encodeURIComponent(frm.doc.name)}/method/${command}`, {
		method: "POST",
		headers: {
			"Content-Type": "application/json",
			Accept: "application/json",
			"X-Frappe-CSRF-Token": frappe.csrf_token,
			"Idempotency-Key": key,
		},
		body: JSON.stringify(payload),
	});
	const body = await response.json().catch(() => ({}));
	if (!response.ok) {
		const error = body.error || {};
		frappe.msgprint({ title: __("Refused"), indicator: "red", message: frappe.utils.escape_html(error.message || response.statusText) });
		return false;
	}
	frappe.show_alert({ message: __("{0}: {1}", [__(command_specs[command].label), __(body.data.to_state)]), indicator: "green" });
	frm.reload_doc();
	return true;
}

frappe.realtime.on("dispatch:job_updated", (data) => {
	const frm = cur_frm;
	if (frm && frm.doctype === "Dispatch Job" && frm.doc.name === data.job && frm.doc.status !== data.status && !frm.is_dirty()) {
		frm.reload_doc();
	}
});
