// Package haproxy is synapse's HAProxy generator. It renders haproxy.cfg
// (the same bytes the Ruby original writes, plus the fixes listed in
// docs/compatibility.md: a final newline, HAProxy 2.x directives, a
// deterministic shuffle, a template error instead of a crash) and keeps a
// running HAProxy in line with it: over the runtime API where it can, by
// a rate-limited reload where it cannot.
//
// One Update, in order (Generator.Update, generator.go):
//
//	services ──inputs──▶ []Service            inputs.go, intake.go
//	         ──render──▶ Result               render.go, backend.go, server.go, slots_render.go
//	                      text + stanza.Backend per backend (the structured form;
//	                      the text is never read back, the file on disk at start is)
//	per socket:
//	  stat record ─┐                          statcache.go: "show stat", kept current
//	  stanzas ─────┼─▶ plan.Chooser.Choose    reload, dynamic (add/del server) or slots
//	  wanted ──────┘   plan.ForVersion         HAProxy < 2.4: dynamic → reload
//	                   plan.Socket ──▶ plan.Plan
//	                      Commands   enable/disable server
//	                      Runtime    add server, set server weight
//	                      Refills    slot setup, then "state ready"
//	                      Removals   drain, then del server
//	                      Reasons    what only a reload can do
//	  apply: socket.go, runtime.go, slots_apply.go, drain.go send the plan,
//	         record what HAProxy took in plan.Applied, and turn refusals into
//	         reload reasons
//	write: update.go installs the text; plan.Diff (lines the socket did not
//	       apply), plan.Unapplied and plan.Shrunk add the rest of the reasons
//	reload: reload.go runs reload_command, rate limited, when reasons are pending
//	state:  state.go, state_format.go keep the state file (state_file_path)
//
// Tick (generator.go) retries a pending reload, finishes drains, keeps free
// agent slots in maintenance (slots_sweep.go) and re-reads "show stat"
// before it goes stale (statresync.go).
//
// The answer to "does this server change go over the socket or need a
// reload?" is in package plan alone; package stanza is the server and
// backend types shared from render to command.
package haproxy
