// The dispatch board: a Vue 3 + Pinia app (public/js/dispatch_board) mounted in this Desk page, as Frappe's
// workflow builder does. The data and every change go through gigafibre_dispatch.api.board.
frappe.pages["dispatch-board"].on_page_load = function (wrapper) {
	frappe.ui.make_app_page({ parent: wrapper, title: __("Dispatch Board"), single_column: true });
	if (frappe.boot.developer_mode) {
		frappe.hot_update = frappe.hot_update || [];
		frappe.hot_update.push(() => load_dispatch_board(wrapper, true));
	}
	load_dispatch_board(wrapper);
};

frappe.pages["dispatch-board"].on_page_show = function (wrapper) {
	wrapper.dispatch_board && wrapper.dispatch_board.show();
};

frappe.pages["dispatch-board"].on_page_hide = function (wrapper) {
	wrapper.dispatch_board && wrapper.dispatch_board.hide();
};

function load_dispatch_board(wrapper, reload) {
	if (wrapper.dispatch_board && !reload) return;
	frappe.require("gigafibre_dispatch_board.bundle.js").then(() => {
		wrapper.dispatch_board && wrapper.dispatch_board.destroy();
		const $parent = $(wrapper).find(".layout-main-section");
		$parent.empty();
		wrapper.dispatch_board = new frappe.ui.GigafibreDispatchBoard({ wrapper: $parent, page: wrapper.page });
	});
}
