// Package sim is a stateful RouterOS 7 simulator speaking the binary API
// (TCP 8728 framing, REPORT.md §1) for the project's tests, the demo and CI.
//
// A Profile holds a router's identity and configuration: Builtin makes a
// stock home router, LoadExport reads a RouterOS /export file. NewRouter
// copies a profile into a Router, which serves the API (Serve,
// ListenAndServe, Start): login; tagged, concurrent commands; print with
// .proplist, queries and count-only; add, set, remove, enable, disable,
// unset and move; listen and /cancel; /ping and the traffic and ethernet
// monitors; /quit; RouterOS's own trap texts; and !empty from 7.18 on.
// Menus are declared in one table (catalog.go); interface menus are views
// of one /interface table. Fault methods (HangLogin, SetDelay,
// DropConnections, StopListening, SetLink) and Exec let tests play a slow,
// broken or changing router; Status and Wait let them synchronise without
// sleeping.
//
// The simulator never evaluates values: scripts and expressions in them are
// stored as text. It imports only routeros/wire of this module, and product
// code must not import it.
package sim
