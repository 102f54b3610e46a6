package bridge

// Results of the engine's read API. They carry TR-181 paths and values in
// TR-106 lexical form and nothing of USP, CWMP or RouterOS.

// ParamValue is one parameter value. Name is relative to the object it is
// reported with ("Enable", not "Device.IP.Interface.1.Enable").
type ParamValue struct {
	Name  string
	Value string
}

// Object is one object or object instance found by Get, with the parameters
// it carries directly (sub-objects are separate Objects).
type Object struct {
	// Path is the object's path with instance numbers and a trailing dot:
	// "Device.IP.Interface.1." or "Device.DeviceInfo.MemoryStatus.".
	Path   string
	Params []ParamValue
}

// Instance is one instance of a table, as GetInstances reports it.
type Instance struct {
	// Path is the instance path with a trailing dot: "Device.IP.Interface.1.".
	Path string
	// UniqueKeys holds the values of all unique-key parameters of the table.
	UniqueKeys []ParamValue
}

// Identity is what identifies the router to management systems
// (DESIGN.md §3 "Identity"; TR-069 DeviceIdStruct; TR-369 Endpoint ID).
type Identity struct {
	Manufacturer string // "MikroTik"
	OUI          string // six upper-case hex digits, from the first ethernet port's factory MAC
	ProductClass string // board model, e.g. "RB5009UPr+S+"
	SerialNumber string // RouterBOARD serial number; CHR: software ID
	ModelName    string
}

// EndpointID returns the USP Endpoint ID "os::<OUI>-<SerialNumber>"
// (TR-369 §2.2.2, authority scheme "os"). Characters outside the allowed set
// are %-encoded (R-ARC.5).
func (id Identity) EndpointID() string {
	return "os::" + escapeInstanceID(id.OUI+"-"+id.SerialNumber)
}

// escapeInstanceID %-encodes every byte outside A-Za-z0-9-._ (TR-369 §2.2.2).
func escapeInstanceID(s string) string {
	const hex = "0123456789ABCDEF"
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_':
			out = append(out, c)
		default:
			out = append(out, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(out)
}
