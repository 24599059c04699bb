// Package serveropt validates a registration's haproxy_server_options: the
// words a registration asks to have appended to its HAProxy server line
// and to the runtime API's "add server" command.
//
// Registrations come from ZooKeeper (or another registry), which anyone who
// can reach it may write, so the string is untrusted. Copied verbatim, a
// newline in it adds configuration lines ("check\n\thttp-request deny"), a
// ';' starts a second runtime command, and a keyword HAProxy refuses makes
// haproxy.cfg invalid, which fails every later reload of every service.
//
// Parse guarantees, for every Options it returns without error:
//   - each token is printable ASCII from [A-Za-z0-9._:/+=,@-], so nothing
//     in String() can end a line, start a comment or a second command,
//     quote, escape or expand a variable, in haproxy.cfg or on the CLI;
//   - each keyword is in a fixed allow-list of server keywords with its
//     argument in the shape HAProxy accepts, checked against HAProxy 2.4
//     to 2.8 (an integration test runs haproxy -c on every accepted
//     example), and the few keywords that depend on each other (ssl needs
//     "verify none", agent-check needs agent-port) come together;
//   - the whole stays short enough (MaxTokens, MaxLen) to leave a server
//     line within HAProxy's 64 words.
//
// CheckMode says whether the options also suit a backend of a given mode:
// a few keywords (redir, proto, observe layer7) need mode http. StaticOnly
// names a keyword the runtime API's "add server" refuses, so the server
// must come with a reload instead.
//
// The list is narrow on purpose: it admits only keywords whose validity
// does not depend on anything outside the option string. Keywords that
// name files (ca-file, crt, crl-file), other sections or servers (track,
// resolvers, namespace), sample expressions (sni), local addresses
// (source, usesrc), or that can conflict with the rest of the
// configuration (the TLS version knobs, check-proto, ciphers) are refused;
// an operator sets those in the service's own server_options or in
// default-server, which this package does not police. What is refused is
// reported as an *Error naming the keyword, and the caller drops the whole
// option string.
package serveropt
