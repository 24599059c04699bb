package render

// Values of dynamic_servers.
const (
	DynamicAuto = "auto"
	DynamicOff  = "off"
)
