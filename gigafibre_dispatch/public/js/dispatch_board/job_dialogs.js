// The job dialogs of the board (right panel and menus): a command with its fields (triage with its tags editor),
// a job's details edited (a new duration or end is a resize, with the drop rules), unassign, cancel, reassign.
// Every change goes through the store (the board's API) or a lifecycle command.
import { api } from "./api";
import { to_min } from "./time";

// ---------------------------------------------------------------- commands from the panel and the menus
let specs = null;
export async function command(store, name) {
	const job = store.selected;
	if (name === "schedule_release") return confirm_release(store, job);
	if (!specs) specs = await api.lifecycle("command_specs", {});
	const spec = specs[name];
	const fields = Object.entries(spec.fields).map(([fieldname, f]) => ({
		fieldname,
		label: __(frappe.model.unscrub(fieldname)),
		fieldtype: { choice: "Select", datetime: "Datetime", number: "Float", bool: "Check", text: "Small Text" }[f.kind] || "Data",
		options: f.choices.length ? ["", ...f.choices].join("\n") : undefined,
		reqd: f.required ? 1 : 0,
		default: name === "triage" && store.card ? store.card[fieldname] : undefined,
	}));
	if (name === "triage") {
		const at = fields.findIndex((f) => f.fieldname === "tags");
		if (at >= 0) fields.splice(at, 1, tags_editor(store.card ? store.card.tags : []));
	}
	const send = async (values) => {
		const payload = Object.fromEntries(Object.entries(values || {}).filter(([, v]) => v !== "" && v != null));
		if (name === "triage") payload.tags = tag_rows(values.tags);
		try {
			const r = await api.command(job, name, payload);
			frappe.show_alert({ message: `${__(spec.label)}: ${__(r.to_state)}`, indicator: "green" });
			return true;
		} catch (e) {
			frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			return false;
		} finally {
			store.load();
			store.refresh_card();
		}
	};
	if (!fields.length) return frappe.confirm(__("{0} this job?", [__(spec.label)]), () => send({}));
	const d = new frappe.ui.Dialog({
		title: __(spec.label),
		fields,
		primary_action_label: __(spec.label),
		primary_action(values) {
			send(values).then((ok) => ok && d.hide());
		},
	});
	d.show();
}

// ---------------------------------------------------------------- edit a job's details (not who, when or how long
// but through the commands: a new duration is a resize, with the drop rules)
export function edit_job(store) {
	const card = store.card;
	if (!card) return;
	const d = new frappe.ui.Dialog({
		title: __("Edit {0}", [card.name]),
		fields: [
			{ fieldname: "subject", fieldtype: "Data", label: __("Subject"), reqd: 1, default: card.subject },
			{ fieldname: "priority", fieldtype: "Select", label: __("Priority"), options: card.priorities.map((p) => ({ value: p, label: __(p) })), default: card.priority },
			{ fieldname: "job_type", fieldtype: "Select", label: __("Job type"), options: ["", ...card.job_types].map((t) => ({ value: t, label: t ? __(t) : "" })), default: card.job_type || "" },
			{ fieldname: "service_location", fieldtype: "Link", options: "Service Location", label: __("Service location"), default: card.service_location },
			{ fieldname: "duration_h", fieldtype: "Float", label: __("Duration (h)"), default: card.duration_h, read_only: !(card.movable && card.assigned_technician && card.scheduled_start) },
			{
				// Or the end: the duration follows (a job over several days, say).
				fieldname: "end",
				fieldtype: "Datetime",
				label: __("End"),
				default: card.scheduled_end || null,
				read_only: !(card.movable && card.assigned_technician && card.scheduled_start),
			},
			{ fieldname: "description", fieldtype: "Small Text", label: __("Note"), default: card.description || "" },
			tags_editor(card.tags),
		],
		primary_action_label: __("Save"),
		async primary_action(v) {
			const values = {};
			for (const f of ["subject", "priority", "job_type", "service_location", "description"]) values[f] = v[f] || null;
			try {
				await api.post("edit_job", { job: card.name, values: JSON.stringify(values), tags: JSON.stringify(tag_rows(v.tags)), expected_modified: card.modified });
				let hours = parseFloat(v.duration_h);
				const end_changed = v.end && card.scheduled_end && String(v.end).slice(0, 16) !== String(card.scheduled_end).slice(0, 16);
				if (end_changed) hours = Math.round(((to_min(String(v.end).replace(" ", "T")) - to_min(String(card.scheduled_start).replace(" ", "T"))) / 60) * 100) / 100;
				if (end_changed && !(hours > 0)) throw new Error(__("The end must come after the start"));
				if (hours && hours !== card.duration_h && card.assigned_technician && card.scheduled_start) await store.resize(card.name, hours);
				d.hide();
				frappe.show_alert({ message: __("{0} saved", [card.name]), indicator: "green" });
				store.reload_soon(50);
				store.refresh_card();
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			}
		},
	});
	d.show();
	return d;
}

// The triage dialog's tags: rows of tag + level 1-5 + required, sent as [{tag, level, required}].
export function tags_editor(current) {
	return {
		fieldname: "tags",
		fieldtype: "Table",
		label: __("Tags"),
		cannot_add_rows: false,
		in_place_edit: true,
		data: (current || []).map((t) => ({ tag: t.tag, level: String(t.level || 1), required: t.required ? 1 : 0 })),
		fields: [
			{ fieldname: "tag", fieldtype: "Link", options: "Dispatch Tag", label: __("Tag"), in_list_view: 1, reqd: 1, columns: 5 },
			{ fieldname: "level", fieldtype: "Select", options: "1\n2\n3\n4\n5", default: "1", label: __("Level"), in_list_view: 1, columns: 2 },
			{ fieldname: "required", fieldtype: "Check", default: 1, label: __("Required"), in_list_view: 1, columns: 2 },
		],
	};
}

export function tag_rows(rows) {
	return (rows || [])
		.filter((r) => r.tag)
		.map((r) => ({ tag: r.tag, level: Math.min(5, Math.max(1, parseInt(r.level, 10) || 1)), required: !!r.required }));
}

export function confirm_release(store, job) {
	const d = new frappe.ui.Dialog({
		title: __("Unassign {0}?", [job]),
		fields: [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") }],
		primary_action_label: __("Unassign"),
		primary_action({ reason }) {
			d.hide();
			store.release(job, reason).catch(() => {});
		},
	});
	d.show();
	return d;
}

export function cancel_job(store, job) {
	const d = new frappe.ui.Dialog({
		title: __("Cancel {0}", [job]),
		fields: [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
		primary_action_label: __("Cancel job"),
		async primary_action({ reason }) {
			try {
				await api.command(job, "cancel", { reason });
				d.hide();
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			}
			store.load();
		},
	});
	d.show();
}

export function reassign(store, job) {
	const known = store.job_index[job] || {};
	const d = new frappe.ui.Dialog({
		title: __("Reassign {0}", [job]),
		fields: [
			{ fieldname: "technician", fieldtype: "Link", options: "Dispatch Technician", label: __("Technician"), reqd: 1 },
			{
				fieldname: "start",
				fieldtype: "Datetime",
				label: __("Start"),
				reqd: 1,
				default: known.start ? known.start.replace("T", " ") : `${store.date} 08:00:00`,
			},
		],
		primary_action_label: __("Reassign"),
		primary_action({ technician, start }) {
			d.hide();
			store.drop(job, technician, to_min(start), {}).catch(() => {});
		},
	});
	d.show();
}
