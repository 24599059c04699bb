package render

// baseConfig is the generator tests' base config: no writes, socket or
// reloads, a fixed server order.
func baseConfig() *Config {
	c := NewConfig()
	c.Global, c.Defaults = []string{"daemon"}, []string{"mode http"}
	c.DoWrites, c.DoSocket, c.DoReloads = false, false, false
	c.ServerSlots = 0
	seed := Seed(1)
	c.ServerOrderSeed = &seed
	return &c
}
