// Type-to-dispatch: a line typed in the toolbar ("#70 Julie Gagnon demain 10h") is read by the server
// (api/board.py read_line → scheduling/quick.py → engine/quick_dispatch.py) while typing; Enter books the reading
// through the board's own drop (the drop rules, the lifecycle commands), and only when nothing is in doubt.
import { reactive } from "vue";
import { api } from "./api";
import { to_min } from "./time";

export const typed = reactive({ text: "", reading: null, busy: false });
let timer = null;
let seq = 0;

export function on_type(text) {
	typed.text = text;
	clearTimeout(timer);
	if (!text.trim()) {
		typed.reading = null;
		return;
	}
	timer = setTimeout(async () => {
		const mine = ++seq;
		try {
			const reading = await api.get("read_line", { text });
			if (mine === seq) typed.reading = reading;
		} catch (e) {
			if (mine === seq) typed.reading = { doubts: [{ code: "error", message: e.message }] };
		}
	}, 250);
}

export async function book_typed(store) {
	const r = typed.reading;
	if (!r || !r.certain || typed.busy) return false;
	typed.busy = true;
	try {
		await store.drop(r.job, r.technician, to_min(r.start), {
			duration_min: Math.round((r.duration_h || 1) * 60),
			expected: r.current_technician && r.current_start ? { technician: r.current_technician, start: r.current_start } : { type: "tray" },
		});
		typed.text = "";
		typed.reading = null;
		return true;
	} finally {
		typed.busy = false;
	}
}
