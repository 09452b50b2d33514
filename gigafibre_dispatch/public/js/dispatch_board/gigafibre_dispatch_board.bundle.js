// The dispatch board bundle (loaded by page/dispatch_board with frappe.require): a Vue 3 app with Pinia, as
// Frappe's workflow builder. Live: dispatch:job_updated, tech-absence, dispatch:offer, dispatch:gps, dispatch:network
// (outage toasts) through frappe.realtime;
// a lost socket falls back to polling and the pill says so.
import { createApp } from "vue";
import { createPinia } from "pinia";
import App from "./App.vue";
import { useBoard } from "./store";
import { forget_checks } from "./drag";

const POLL_MS = 10000;

class GigafibreDispatchBoard {
	constructor({ wrapper, page }) {
		this.$wrapper = $(wrapper);
		this.page = page;
		this.page.set_title(__("Dispatch Board"));
		this.$wrapper.addClass("gdb-page");
		this.pinia = createPinia();
		this.app = createApp(App);
		SetVueGlobals(this.app);
		this.app.use(this.pinia);
		this.app.provide("page", page); // the Desk page its keyboard shortcuts belong to
		this.store = useBoard(this.pinia);
		window.gigafibre_dispatch_board = this; // for the browser tests and the benchmark (the views register on it)
		this.vm = this.app.mount(this.$wrapper.get(0));
		this.on_job = (data) => this.job_updated(data);
		this.on_absence = (data) => this.absence(data);
		this.on_offer = (data) => this.offer(data);
		this.on_gps = (data) => this.store.gps_fix(data);
		this.on_network = (data) => this.network(data);
		this.on_tech = () => {
			forget_checks();
			this.store.reload_soon(100);
		};
		this.show();
	}

	show() {
		if (this.listening) return;
		this.listening = true;
		frappe.realtime.on("dispatch:job_updated", this.on_job);
		frappe.realtime.on("tech-absence", this.on_absence);
		frappe.realtime.on("dispatch:offer", this.on_offer);
		frappe.realtime.on("dispatch:technician_updated", this.on_tech);
		frappe.realtime.on("dispatch:gps", this.on_gps);
		frappe.realtime.on("dispatch:network", this.on_network);
		this.watch_socket();
		this.store.load();
	}

	hide() {
		this.listening = false;
		frappe.realtime.off("dispatch:job_updated", this.on_job);
		frappe.realtime.off("tech-absence", this.on_absence);
		frappe.realtime.off("dispatch:offer", this.on_offer);
		frappe.realtime.off("dispatch:technician_updated", this.on_tech);
		frappe.realtime.off("dispatch:gps", this.on_gps);
		frappe.realtime.off("dispatch:network", this.on_network);
		clearInterval(this.socket_timer);
		clearInterval(this.poll_timer);
		this.poll_timer = null;
	}

	destroy() {
		this.hide();
		this.app.unmount();
	}

	watch_socket() {
		const check = () => {
			const socket = frappe.realtime && frappe.realtime.socket;
			const connected = !!(socket && socket.connected);
			this.store.live = connected ? "live" : "polling";
			if (connected && this.poll_timer) {
				clearInterval(this.poll_timer);
				this.poll_timer = null;
				this.store.load(); // catch up on what the socket missed
			} else if (!connected && !this.poll_timer) {
				this.poll_timer = setInterval(() => this.store.load(), POLL_MS);
			}
		};
		check();
		clearInterval(this.socket_timer);
		this.socket_timer = setInterval(check, 1000);
	}

	job_updated(data) {
		forget_checks();
		if (data && data.job) this.store.patch_job(data.job, data.technician);
		else this.store.reload_soon(100);
		if (data && data.job === this.store.selected) this.store.refresh_card();
	}

	absence(data) {
		const who = frappe.utils.escape_html(data.technician_name || data.technician || "");
		const until = data.until || data.absence_until || data.to || "";
		const why = frappe.utils.escape_html(data.reason || data.absence_reason || "");
		let message;
		if (data.action === "cancel" || data.action === "clear") {
			message = __("{0}: absence ended or cancelled", [who]);
		} else {
			message = until
				? __("{0} is absent ({1}) until {2}", [who, why || __("absence"), frappe.datetime.str_to_user(until)])
				: __("{0} is absent ({1})", [who, why || __("absence")]);
			if (data.affected) {
				// The proposal for the jobs the absence overlaps: reviewed (and applied) on its form.
				const link = data.proposal
					? ` <a data-role="absence-proposal" href="/app/dispatch-optimization/${encodeURIComponent(data.proposal)}">${__("See the proposal")}</a>`
					: "";
				message += ` — ${__("{0} booked job(s) to reassign", [data.affected])}${link}`;
			}
		}
		frappe.show_alert({ message, indicator: "orange" }, 12);
		forget_checks();
		this.store.reload_soon(100);
	}

	// A network event (outage, OLT down/up) from monitoring: a toast, and the last ones kept for the toolbar.
	network(data) {
		if (!data || !data.message) return;
		const esc = frappe.utils.escape_html;
		const area = data.area ? ` — ${esc(data.area)}` : "";
		frappe.show_alert({ message: `${__("Network")}: ${esc(data.message)}${area}`, indicator: data.indicator || "orange" }, 15);
		this.store.network = [data, ...this.store.network].slice(0, 20);
	}

	offer(data) {
		if (data && data.job) this.store.offers[data.job] = { offer: data.offer, status: data.status };
		frappe.show_alert({ message: __("Offer {0}: {1}", [data.offer, __(data.status)]), indicator: "blue" }, 6);
		this.store.reload_soon(200);
	}
}

frappe.provide("frappe.ui");
frappe.ui.GigafibreDispatchBoard = GigafibreDispatchBoard;
export default GigafibreDispatchBoard;
