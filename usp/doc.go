// Package usp is the TR-369 (USP) Agent of the bridge: one Agent per router,
// with its own Endpoint ID. It decodes USP Records received by any MTP,
// applies the Record rules (R-E2E.1, R-MTP.5, R-ENC.*), answers Get,
// GetInstances, GetSupportedDM and GetSupportedProtocol from the TR-181
// engine, and builds the Connect Records an MTP sends (R-MTP.6).
//
// It is MTP-agnostic: MTPs (usp/mtp/...) pass Records in as bytes and send the
// returned bytes. Protocol types (proto/gen/...) never leave the package; the
// engine is reached through the small Engine interface. usp never imports
// routeros.
package usp
