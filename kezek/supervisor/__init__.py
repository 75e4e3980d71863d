"""Supervisor pages: the live dashboard, the appendix report with pictures and exports, the
complaints journal and the yearly targets. Mounted under /staff so the staff session holds."""
