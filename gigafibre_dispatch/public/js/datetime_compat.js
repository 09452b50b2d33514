// Frappe v15's Datetime control hides the time picker's seconds when the site's time format has none
// ("HH:mm"). Frappe builds air-datepicker from its own fork, which has a seconds picker; a bench built with the
// npm release of air-datepicker (2.2.3) has none, and hiding it throws: the form then never renders. This keeps
// Frappe's behaviour where the seconds picker exists and skips it where it does not.
(() => {
	const Datetime = frappe.ui.form.ControlDatetime;
	if (!Datetime) return;
	const Date = Object.getPrototypeOf(Datetime.prototype);
	Datetime.prototype.set_datepicker = function () {
		Date.set_datepicker.call(this);
		const timepicker = this.datepicker && this.datepicker.timepicker;
		if (!timepicker || !timepicker.$seconds) return;
		if (this.datepicker.opts.timeFormat.indexOf("s") == -1) {
			timepicker.$seconds.parent().css("display", "none");
			timepicker.$secondsText.css("display", "none");
			timepicker.$secondsText.prev().css("display", "none");
		}
	};
})();
