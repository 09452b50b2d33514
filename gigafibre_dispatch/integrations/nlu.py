"""Absence-SMS understanding: an OpenAI-compatible chat endpoint when configured, else the rule-based parser.

The provider is optional and never trusted blindly: its answer must be valid JSON with known values, or the
rules decide. A slow or failing endpoint falls back too (timeout 8 s).
"""

import json
from datetime import date, datetime

import frappe
import requests

from gigafibre_dispatch.engine.absence_sms import DOUBT_RULES, AbsenceIntent, Reading, read_absence_message

REASONS = ("Malade", "Vacances", "Formation", "Rendez-vous", "Congé", "Absent")
PROMPT = (
	"Tu lis un SMS d'un technicien (français ou anglais) qui annonce une absence, son retour, ou annule une "
	'absence déjà déclarée. Réponds en JSON seulement: {"action": "set"|"clear"|"cancel"|"unknown", '
	'"reason": one of '
	+ ", ".join(REASONS)
	+ ', "from_date": "YYYY-MM-DD"|null, "until_date": "YYYY-MM-DD"|null}. "set": une absence de from_date '
	'à until_date. "clear": de retour au travail maintenant. "cancel": il annule son absence ("annuler mon '
	'absence", "finalement je rentre demain", "cancel my day off"); from_date est alors le premier jour où '
	'il travaille (null: aujourd\'hui). Annuler une tâche, un client ou un rendez-vous de client: "unknown". '
	"Aujourd'hui: {today}."
)


def llm_intent(
	text: str, today: date, base_url: str, api_key: str | None, model: str
) -> AbsenceIntent | None:
	try:
		response = requests.post(
			f"{base_url.rstrip('/')}/chat/completions",
			headers={"Authorization": f"Bearer {api_key}"} if api_key else {},
			json={
				"model": model,
				"temperature": 0,
				"response_format": {"type": "json_object"},
				"messages": [
					{"role": "system", "content": PROMPT.replace("{today}", today.isoformat())},
					{"role": "user", "content": text},
				],
			},
			timeout=8,
		)
		response.raise_for_status()
		data = json.loads(response.json()["choices"][0]["message"]["content"])
	except (requests.RequestException, KeyError, IndexError, ValueError, TypeError):
		return None
	if not isinstance(data, dict):
		return None
	action = data.get("action")
	if action == "clear":
		return AbsenceIntent(action="clear", reason="", language="fr")
	if action == "cancel":
		try:
			back = date.fromisoformat(data["from_date"]) if data.get("from_date") else None
		except (ValueError, TypeError):
			return None
		if back is not None and back < today:
			return None
		return AbsenceIntent(action="cancel", reason="", from_date=back, language="fr")
	if action != "set" or data.get("reason") not in REASONS:
		return None
	try:
		start = date.fromisoformat(data.get("from_date") or today.isoformat())
		until = date.fromisoformat(data.get("until_date") or start.isoformat())
	except (ValueError, TypeError):
		return None
	if until < start:
		return None
	return AbsenceIntent(action="set", reason=data["reason"], from_date=start, until_date=until)


def understand(text: str, now: datetime) -> tuple[Reading, str]:
	"""(reading, source): the LLM's intent when configured and sound, else the rules'; either way the rules'
	doubts (a question, a doubtful date, ...) say whether it must be confirmed before anything is recorded."""
	s = frappe.get_cached_doc("Dispatch Settings")
	rules = read_absence_message(text, now)
	if s.llm_base_url and s.llm_model and "question" not in rules.doubts:
		intent = llm_intent(
			text,
			now.date(),
			s.llm_base_url,
			s.get_password("llm_api_key", raise_exception=False),
			s.llm_model,
		)
		if intent is not None:
			# The model's dates are its own: only the doubts about the words (DOUBT_RULES) carry over.
			words = {code for code, _ in DOUBT_RULES}
			doubts = tuple(d for d in rules.doubts if d in words) if intent.action == "set" else ()
			return Reading(intent, doubts), "llm"
	return rules, "rules"
