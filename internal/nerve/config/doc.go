// Package config is nerve's configuration: the schema of nerve.conf.json
// (or YAML), service_conf_dir, the Yelp overlay and the -i override, loaded
// and validated the way the original's --check-config validates them.
// docs/nerve.md describes every key.
//
// Load returns every problem at once, each naming file, line, key path and
// value; unknown keys are warnings with a did-you-mean. Each Service carries
// its reporter config, its built checks, its registration payload bytes and
// a fingerprint for reload diffing.
package config
