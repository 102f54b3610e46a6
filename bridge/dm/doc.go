// Package dm is the TR-181 vocabulary of the bridge, shared by the USP and
// CWMP fronts and the mapping core: parsed paths (TR-369 §2.5–2.7: instance
// numbers, "*", unique-key and search expressions, reference following),
// TR-106 value types and their lexical validation, schema types, and the
// protocol-neutral error kinds.
//
// It is pure: standard library only, no I/O, no package-level mutable state.
// It must not import any other package of this module.
package dm
