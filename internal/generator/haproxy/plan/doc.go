// Package plan decides, for the haproxy generator, what reaches HAProxy
// over its runtime API and what needs a reload. It is pure: it reads the
// rendered stanzas (package stanza), what HAProxy runs ("show stat", "show
// servers state") and what was applied before, and returns values; the
// generator sends them.
//
//   - Chooser.Choose: each backend's Mechanism. Slots for a slot pool,
//     Dynamic ("add server", "del server") unless Refusal names a reason,
//     else Reload. ForVersion sends an HAProxy older than 2.4 down the
//     reload path.
//   - Socket: one socket's Plan. Commands ("enable server", "disable
//     server"), Runtime ("add server", "set server weight") with the
//     Changes they bring about, Refills (slot "set server addr/weight",
//     then "state ready"), Removals (drain, then "del server"), and
//     Reasons for what the socket cannot do (a backend or server HAProxy
//     does not run).
//   - Diff, Unapplied, Shrunk: the reasons of a written config, each line
//     HAProxy took at run time (Applied) excepted.
//   - Corrections, Sweep, Runs: what a fresh read of HAProxy finds to set
//     right (slot addresses, free agent slots) or to skip (the initial
//     reload, when HAProxy already runs the config).
package plan
