// Package haproxy is synapse's HAProxy generator. It renders haproxy.cfg
// (package render: the same bytes the Ruby original writes, plus the
// fixes listed in docs/compatibility.md: a final newline, HAProxy 2.x
// directives, a deterministic shuffle, a template error instead of a
// crash) and keeps a running HAProxy in line with it: over the runtime API
// where it can, by a rate-limited reload where it cannot.
//
// One Update (generator.go), in order:
//
//	services ─ inputs.go, intake.go ─▶ []Service
//	         ─ render.Generate ─▶ render.Result:
//	             the text, a stanza.Backend per backend and the plan.Config
//	             sections, built as the text is written (never parsed back);
//	             from the last generation, only the services that moved are
//	             rendered again (Result.Fresh)
//	wants.go     plan.Wants: the managed backends; plan.Chooser picks reload,
//	             dynamic or slots for each; the fresh services' alone, every
//	             service's only for a record read afresh
//	apply.go     per socket, against its "show stat" record (statcache.go):
//	               plan.ForVersion   HAProxy < 2.4: dynamic → reload
//	               plan.Socket  ─▶  plan.Plan
//	                 Commands  enable/disable server      ─ apply.Send
//	                 Runtime   add server, set weight     ─ apply.Runtime
//	                 Refills   slot setup, state ready    ─ apply.Fill
//	                 Removals  drain, del server          ─ drain.go
//	                 Reasons   what only a reload can do
//	             what HAProxy took goes to plan.Applied; each refusal is a
//	             reload reason (socket.go: took)
//	update.go    plan.Diff (lines not applied at run time), plan.Unapplied
//	             and plan.Shrunk add the write's reasons; the file is
//	             written now, or at the next Tick when the sockets
//	             applied everything (deferWrite)
//	reload.go    reload_command when reasons are pending, rate limited
//	statefile    the state cache (state_file_path), written by update.go
//
// Tick (generator.go) writes a deferred file, retries a pending reload,
// finishes drains, keeps free agent slots in maintenance (slots_sweep.go),
// and every few seconds runs the same wants and apply for the last
// generation against a fresh "show stat" (statresync.go), so updates find
// a current record.
//
// "Does this server change go over the socket or need a reload?" is
// answered in package plan alone; package apply sends its answer. Package
// render writes the config, package statefile keeps the state cache, and
// package stanza is the server and backend types from render to command.
// render_api.go keeps the config types and Render under this package's
// name for its callers. The only config text read is the haproxy.cfg on
// disk (stanza.Parse, plan.Split).
package haproxy
