"""The technician side: links (magic link, webcal), publishing a schedule, the portal page (/t/<token>) and the
iCal feed (/dispatch/calendar/<technician>.ics), each served by a page renderer (hooks: page_renderer). The
portal's script is public/js/portal.js; its whitelisted actions are api/portal.py."""
