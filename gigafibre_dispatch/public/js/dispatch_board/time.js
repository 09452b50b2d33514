// Times on the board are the site's wall-clock times as the server sends them ("2026-11-23T10:00:00"), with no
// time zone: they are handled as minutes since 1970 of that wall clock, never through the browser's zone.

export function to_min(iso) {
	if (!iso) return null;
	const [d, t = "00:00:00"] = String(iso).replace(" ", "T").split("T");
	const [y, m, day] = d.split("-").map(Number);
	const [hh, mm] = t.split(":").map(Number);
	return Date.UTC(y, m - 1, day, hh, mm) / 60000;
}

const pad = (n) => String(n).padStart(2, "0");

export function from_min(min) {
	const d = new Date(min * 60000);
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(
		d.getUTCMinutes()
	)}:00`;
}

export function day_min(date) {
	return to_min(`${date}T00:00:00`);
}

export function add_days(date, n) {
	return from_min(day_min(date) + n * 1440).slice(0, 10);
}

export function weekday(date) {
	return new Date(day_min(date) * 60000).getUTCDay(); // 0 = Sunday
}

export function monday_of(date) {
	return add_days(date, -((weekday(date) + 6) % 7));
}

// A drag's time, to the nearest `step` minutes (a quarter hour by default).
export function snap(min, step = 15) {
	return Math.round(min / step) * step;
}

export function hhmm(min) {
	return from_min(min).slice(11, 16);
}

export function date_label(date, opts = { weekday: "short", day: "numeric", month: "short" }) {
	const lang = frappe.boot.lang || "fr";
	return new Date(day_min(date) * 60000).toLocaleDateString(lang, { ...opts, timeZone: "UTC" });
}

export function today_site() {
	return frappe.datetime.get_today();
}

// The day a link opens the board on (`/app/dispatch-board?date=2026-12-07`), when it names a real date.
export function valid_date(value) {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(String(value || ""))) return null;
	return from_min(day_min(value)).slice(0, 10) === value ? value : null;
}

export function route_date() {
	const from_options = frappe.route_options && frappe.route_options.date;
	return valid_date(from_options) || valid_date(new URLSearchParams(window.location.search).get("date"));
}

// A ranked technician's drive as the board shows it: "~12 min (OSRM)", "~14 min (estimate)" — the routing
// service's answer, or the straight-line estimate when none is set up or it failed.
export function drive_label(t) {
	if (!t || t.travel_min == null) return "—";
	const source = { osrm: "OSRM", mapbox: "Mapbox", estimate: __("estimate") }[t.travel_source] || t.travel_source || "";
	return source ? __("~{0} min ({1})", [t.travel_min, source]) : __("~{0} min", [t.travel_min]);
}

// A job's SLA deadline on the board (engine/sla.py via the board data): how long is left, or how long ago it passed.
export function duration_text(minutes) {
	const m = Math.abs(Math.round(minutes));
	if (m < 60) return `${m} min`;
	if (m < 48 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${String(m % 60).padStart(2, "0")}` : ""}`;
	return `${Math.round(m / 1440)} d`;
}

export function sla_text(sla) {
	if (!sla || sla.state === "none" || sla.minutes_left == null) return "";
	if (sla.state === "breached") return __("SLA deadline missed {0} ago", [duration_text(-sla.minutes_left)]);
	if (sla.state === "at_risk") return __("SLA at risk: due in {0}", [duration_text(sla.minutes_left)]);
	return __("SLA: {0} left", [duration_text(sla.minutes_left)]);
}

// The colour class of a job with a deadline: only the states a dispatcher must act on.
export function sla_class(sla) {
	return sla && (sla.state === "at_risk" || sla.state === "breached") ? `sla-${sla.state}` : "";
}
