"""Photo → barcodes (up to 3) or equipment labels (up to 5), through an OpenAI-compatible vision endpoint.

Without a configured endpoint the portal falls back to manual entry; a bad or slow answer is "nothing read".
"""

import json

import frappe
import requests

PROMPTS = {
	"barcodes": (
		'Read the barcodes or QR codes in this photo of telecom equipment. Answer JSON only: {"codes": '
		'[{"value": "...", "symbology": "code128|qr|ean13|datamatrix|other"}]} with at most 3 codes.'
	),
	"equipment": (
		'Read the equipment labels in this photo (ONT, router, modem…). Answer JSON only: {"labels": [{"brand": "...", '
		'"model": "...", "serial_no": "...", "mac_address": "...", "equipment_type": "..."}]} with at most 5 labels.'
	),
}
LIMITS = {"barcodes": ("codes", 3), "equipment": ("labels", 5)}
LABEL_FIELDS = ("brand", "model", "serial_no", "mac_address", "equipment_type")


def configured() -> bool:
	s = frappe.get_cached_doc("Dispatch Settings")
	return bool(s.llm_base_url and (s.vision_model or s.llm_model))


def read(data_url: str, mode: str) -> dict:
	"""{"available": bool, "codes" | "labels": [...]}."""
	key, limit = LIMITS[mode]
	if not configured():
		return {"available": False, key: []}
	s = frappe.get_cached_doc("Dispatch Settings")
	api_key = s.get_password("llm_api_key", raise_exception=False)
	try:
		response = requests.post(
			f"{s.llm_base_url.rstrip('/')}/chat/completions",
			headers={"Authorization": f"Bearer {api_key}"} if api_key else {},
			json={
				"model": s.vision_model or s.llm_model,
				"temperature": 0,
				"response_format": {"type": "json_object"},
				"messages": [
					{
						"role": "user",
						"content": [
							{"type": "text", "text": PROMPTS[mode]},
							{"type": "image_url", "image_url": {"url": data_url}},
						],
					}
				],
			},
			timeout=20,
		)
		response.raise_for_status()
		items = json.loads(response.json()["choices"][0]["message"]["content"]).get(key) or []
	except (requests.RequestException, KeyError, IndexError, ValueError, TypeError, AttributeError):
		return {"available": True, key: [], "error": "unreadable"}
	if mode == "barcodes":
		clean = [
			{"value": str(i["value"]).strip(), "symbology": str(i.get("symbology") or "other")}
			for i in items
			if isinstance(i, dict) and i.get("value")
		]
	else:
		clean = [
			{f: (str(i.get(f)).strip() if i.get(f) else None) for f in LABEL_FIELDS}
			for i in items
			if isinstance(i, dict)
		]
		clean = [c for c in clean if c["serial_no"] or c["mac_address"]]
	return {"available": True, key: clean[:limit]}
