package cli

// The discovery methods and generators synapse knows, registered by their
// init. One place to grep for what a build supports.
import (
	_ "github.com/smartstack-go/smartstack/internal/generator/fileoutput"
	_ "github.com/smartstack-go/smartstack/internal/generator/haproxy"
	_ "github.com/smartstack-go/smartstack/internal/generator/template"
	_ "github.com/smartstack-go/smartstack/internal/watcher/base"
	_ "github.com/smartstack-go/smartstack/internal/watcher/dns"
	_ "github.com/smartstack-go/smartstack/internal/watcher/docker"
	_ "github.com/smartstack-go/smartstack/internal/watcher/ec2tag"
	_ "github.com/smartstack-go/smartstack/internal/watcher/etcd"
	_ "github.com/smartstack-go/smartstack/internal/watcher/marathon"
	_ "github.com/smartstack-go/smartstack/internal/watcher/multi"
	_ "github.com/smartstack-go/smartstack/internal/watcher/zookeeper"
	_ "github.com/smartstack-go/smartstack/internal/watcher/zookeeperdns"
)
