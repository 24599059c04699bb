package haproxy

import "github.com/smartstack-go/smartstack/internal/generator/haproxy/render"

// The config types and the renderer live in package render; these names
// keep the generator's API (its config section, Render for synapse -k and
// the tests) where callers know it.
type (
	Config        = render.Config
	ServiceConfig = render.ServiceConfig
	Service       = render.Service
	Backend       = render.Backend
	Input         = render.Input
	Result        = render.Result
	ServerIDs     = render.ServerIDs
	Dropped       = render.Dropped
	Sources       = render.Sources
	Line          = render.Line
	Section       = render.Section
	Sections      = render.Sections
	Seed          = render.Seed
	SlotCount     = render.SlotCount
	Port          = render.Port
	PortOverride  = render.PortOverride
	StringList    = render.StringList
	OptionsText   = render.OptionsText
)

// Config defaults and keyword values.
const (
	DefaultBindAddress     = render.DefaultBindAddress
	DefaultMaxServerID     = render.DefaultMaxServerID
	DefaultRestartInterval = render.DefaultRestartInterval
	DefaultStateFileTTL    = render.DefaultStateFileTTL
	DefaultDynamicServers  = render.DefaultDynamicServers
	DefaultDrainTimeout    = render.DefaultDrainTimeout
	DynamicAuto            = render.DynamicAuto
	DynamicOff             = render.DynamicOff
	SlotsAuto              = render.SlotsAuto
)

// Functions of package render callers use through this package.
var (
	Render          = render.Render
	NewConfig       = render.NewConfig
	ServerName      = render.ServerName
	CookieValue     = render.CookieValue
	StripHeader     = render.StripHeader
	Allowed         = render.Allowed
	SplitDirectives = render.SplitDirectives
	PortValue       = render.PortValue
	NullPort        = render.NullPort
)
