//! Test support for the chatwire workspace: locating the shared conformance captures and
//! reporting a check as skipped when they are absent.
