// Drag and drop with pointer events. During a move the only request is the debounced drop-rule check; the drop
// itself is one call on release; Escape cancels with no request at all. Frames touch one transform and, when the
// snapped target changes, one small reactive object.
import { reactive } from "vue";
import { api } from "./api";
import { from_min, snap } from "./time";

export const SNAP_MIN = 15;
const THRESHOLD_PX = 4;
const CHECK_DELAY_MS = 120;

export const drag = reactive({
	active: false,
	item: null, // {job, title, duration_min, technician, start, source: "row" | "tray"}; kind "assist" | "tech" with check()
	target: null, // {technician, start_min}
	level: null, // allowed | warning | blocked | checking
	message: "",
	resizing: null, // {job, duration_min}
});

let zone = null; // (clientX, clientY) => {technician, start_min} | null
let floating = null;
let pending = null; // {x, y, item, el}
let timer = null;
let controller = null;
let frame = 0;
let last_pointer = null;
const cache = new Map();
let on_drop = null;
let on_resize = null;
let on_click = null;
let resize_state = null;

export function set_zone(fn) {
	zone = fn;
}

export function set_handlers(handlers) {
	on_drop = handlers.drop;
	on_resize = handlers.resize;
	on_click = handlers.click;
}

export function set_floating(el) {
	floating = el;
}

export function press(event, item) {
	if (event.button !== 0) return;
	event.preventDefault(); // no text selection while dragging
	pending = { x: event.clientX, y: event.clientY, item };
	window.addEventListener("pointermove", move);
	window.addEventListener("pointerup", up);
}

export function press_resize(event, item) {
	if (event.button !== 0) return;
	event.stopPropagation();
	resize_state = { x: event.clientX, item, px_per_min: item.px_per_min };
	drag.resizing = { job: item.job, duration_min: item.duration_min };
	window.addEventListener("pointermove", move_resize);
	window.addEventListener("pointerup", up_resize);
}

function move_resize(event) {
	const dx = event.clientX - resize_state.x;
	const raw = resize_state.item.duration_min + dx / resize_state.px_per_min;
	const snapped = Math.max(SNAP_MIN, snap(raw, SNAP_MIN));
	if (drag.resizing && drag.resizing.duration_min !== snapped) drag.resizing.duration_min = snapped;
}

function up_resize() {
	window.removeEventListener("pointermove", move_resize);
	window.removeEventListener("pointerup", up_resize);
	const r = drag.resizing;
	const item = resize_state.item;
	drag.resizing = null;
	resize_state = null;
	if (r && r.duration_min !== item.duration_min && on_resize) on_resize(item.job, r.duration_min / 60);
}

function move(event) {
	last_pointer = event;
	if (!drag.active) {
		if (!pending) return;
		if (Math.hypot(event.clientX - pending.x, event.clientY - pending.y) < THRESHOLD_PX) return;
		drag.active = true;
		drag.item = pending.item;
		drag.target = null;
		drag.level = null;
		drag.message = "";
		document.body.classList.add("gdb-dragging");
	}
	if (!frame) frame = requestAnimationFrame(paint);
}

function paint() {
	frame = 0;
	const event = last_pointer;
	if (!drag.active || !event) return;
	if (floating) floating.style.transform = `translate(${event.clientX + 12}px, ${event.clientY + 8}px)`;
	const t = zone ? zone(event.clientX, event.clientY, drag.item) : null;
	const same =
		t && drag.target && t.technician === drag.target.technician && t.start_min === drag.target.start_min && t.job === drag.target.job;
	if (same || (!t && !drag.target)) return;
	drag.target = t;
	schedule_check();
}

function schedule_check() {
	clearTimeout(timer);
	if (controller) controller.abort();
	controller = null;
	const t = drag.target;
	if (!t) {
		drag.level = null;
		drag.message = "";
		return;
	}
	if (drag.item.check) {
		// An assistant's drag (a helper moved, a technician onto a job): the board's own reading, no request; the
		// command decides on the drop.
		apply_check(drag.item.check(t));
		return;
	}
	const key = `${drag.item.job}|${t.technician}|${t.start_min}`;
	if (cache.has(key)) {
		apply_check(cache.get(key));
		return;
	}
	drag.level = "checking";
	drag.message = "";
	timer = setTimeout(() => {
		controller = new AbortController();
		const mine = controller;
		api.get(
			"check_drop",
			{ job: drag.item.job, technician: t.technician, start: from_min(t.start_min) },
			{ signal: mine.signal }
		)
			.then((result) => {
				cache.set(key, result);
				if (drag.active && drag.target === t) apply_check(result);
			})
			.catch(() => {});
	}, CHECK_DELAY_MS);
}

function apply_check(result) {
	drag.level = result.level;
	drag.message =
		result.message || (result.warnings || []).map((w) => w.message).join(" · ") || __("Allowed");
}

function reset() {
	window.removeEventListener("pointermove", move);
	window.removeEventListener("pointerup", up);
	clearTimeout(timer);
	if (controller) controller.abort();
	controller = null;
	if (frame) cancelAnimationFrame(frame);
	frame = 0;
	pending = null;
	drag.active = false;
	drag.item = null;
	drag.target = null;
	drag.level = null;
	drag.message = "";
	document.body.classList.remove("gdb-dragging");
}

function up() {
	const was_drag = drag.active;
	const item = drag.active ? drag.item : pending && pending.item;
	const target = drag.target;
	const level = drag.level;
	const message = drag.message;
	reset();
	if (!was_drag) {
		if (item && on_click) on_click(item);
		return;
	}
	if (!target) return; // dropped outside the timeline: snaps back
	if (level === "blocked") {
		frappe.show_alert({ message: frappe.utils.escape_html(message || __("Not allowed")), indicator: "red" }, 8);
		return;
	}
	if (on_drop) on_drop(item, target);
}

export function cancel() {
	if (!drag.active && !pending && !drag.resizing) return false;
	if (drag.resizing) {
		window.removeEventListener("pointermove", move_resize);
		window.removeEventListener("pointerup", up_resize);
		drag.resizing = null;
		resize_state = null;
	}
	reset();
	return true;
}

export function forget_checks() {
	cache.clear();
}
