package usp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/uspbridge/uspbridge/bridge/dm"
)

// ErrCode is a USP error code (TR-369 §7.8 "Error Codes"; Record errors §4.1.4).
type ErrCode uint32

// USP error codes used by this module (TR-369 §7.8, R-MTP.5).
const (
	ErrMessageFailed           ErrCode = 7000
	ErrMessageNotSupported     ErrCode = 7001
	ErrRequestDenied           ErrCode = 7002
	ErrInternalError           ErrCode = 7003
	ErrInvalidArguments        ErrCode = 7004
	ErrResourcesExceeded       ErrCode = 7005
	ErrPermissionDenied        ErrCode = 7006
	ErrInvalidConfiguration    ErrCode = 7007
	ErrInvalidPathSyntax       ErrCode = 7008
	ErrParameterActionFailed   ErrCode = 7009
	ErrUnsupportedParameter    ErrCode = 7010
	ErrInvalidType             ErrCode = 7011
	ErrInvalidValue            ErrCode = 7012
	ErrNotWritable             ErrCode = 7013
	ErrValueConflict           ErrCode = 7014
	ErrOperationError          ErrCode = 7015
	ErrObjectDoesNotExist      ErrCode = 7016
	ErrObjectNotCreated        ErrCode = 7017
	ErrNotATable               ErrCode = 7018
	ErrObjectNotCreatable      ErrCode = 7019
	ErrObjectNotUpdated        ErrCode = 7020
	ErrRequiredParameterFailed ErrCode = 7021
	ErrCommandFailure          ErrCode = 7022
	ErrCommandCanceled         ErrCode = 7023
	ErrDeleteFailure           ErrCode = 7024
	ErrDuplicateKey            ErrCode = 7025
	ErrInvalidPath             ErrCode = 7026
	ErrInvalidCommandArguments ErrCode = 7027

	ErrRecordNotParsed           ErrCode = 7100
	ErrSecureSessionRequired     ErrCode = 7101
	ErrSecureSessionNotSupported ErrCode = 7102
	ErrSegmentationNotSupported  ErrCode = 7103
	ErrInvalidRecordValue        ErrCode = 7104
	ErrSessionContextTerminated  ErrCode = 7105
	ErrSessionContextNotAllowed  ErrCode = 7106
)

// String returns the code's name as TR-369 §7.8 gives it, e.g. "Invalid path".
func (c ErrCode) String() string {
	switch c {
	case ErrMessageFailed:
		return "Message failed"
	case ErrMessageNotSupported:
		return "Message not supported"
	case ErrRequestDenied:
		return "Request denied"
	case ErrInternalError:
		return "Internal error"
	case ErrInvalidArguments:
		return "Invalid arguments"
	case ErrResourcesExceeded:
		return "Resources exceeded"
	case ErrPermissionDenied:
		return "Permission denied"
	case ErrInvalidConfiguration:
		return "Invalid configuration"
	case ErrInvalidPathSyntax:
		return "Invalid path syntax"
	case ErrParameterActionFailed:
		return "Parameter action failed"
	case ErrUnsupportedParameter:
		return "Unsupported parameter"
	case ErrInvalidType:
		return "Invalid type"
	case ErrInvalidValue:
		return "Invalid value"
	case ErrNotWritable:
		return "Attempt to update non-writeable parameter"
	case ErrValueConflict:
		return "Value conflict"
	case ErrOperationError:
		return "Operation error"
	case ErrObjectDoesNotExist:
		return "Object does not exist"
	case ErrObjectNotCreated:
		return "Object could not be created"
	case ErrNotATable:
		return "Object is not a table"
	case ErrObjectNotCreatable:
		return "Attempt to create non-creatable object"
	case ErrObjectNotUpdated:
		return "Object could not be updated"
	case ErrRequiredParameterFailed:
		return "Required parameter failed"
	case ErrCommandFailure:
		return "Command failure"
	case ErrCommandCanceled:
		return "Command canceled"
	case ErrDeleteFailure:
		return "Delete failure"
	case ErrDuplicateKey:
		return "Object exists with duplicate key"
	case ErrInvalidPath:
		return "Invalid path"
	case ErrInvalidCommandArguments:
		return "Invalid command arguments"
	case ErrRecordNotParsed:
		return "Record could not be parsed"
	case ErrSecureSessionRequired:
		return "Secure session required"
	case ErrSecureSessionNotSupported:
		return "Secure session not supported"
	case ErrSegmentationNotSupported:
		return "Segmentation and reassembly not supported"
	case ErrInvalidRecordValue:
		return "Invalid Record value"
	case ErrSessionContextTerminated:
		return "Session Context terminated"
	case ErrSessionContextNotAllowed:
		return "Session Context not allowed"
	}
	switch {
	case c >= 7200 && c <= 7299:
		return "Data model defined error"
	case c >= 7800 && c <= 7999:
		return "Vendor defined error"
	}
	return fmt.Sprintf("error %d", uint32(c))
}

// CodeOf is the one table from the engine's neutral error kinds to USP error
// codes (DESIGN.md §2; TR-369 §7.8). A router that cannot be reached is a
// request the Agent cannot serve now (7002), not an internal fault.
func CodeOf(k dm.Kind) ErrCode {
	switch k {
	case dm.KindInternal:
		return ErrInternalError
	case dm.KindInvalidPathSyntax:
		return ErrInvalidPathSyntax
	case dm.KindInvalidPath:
		return ErrInvalidPath
	case dm.KindObjectNotFound:
		return ErrObjectDoesNotExist
	case dm.KindNotATable:
		return ErrNotATable
	case dm.KindInvalidArguments:
		return ErrInvalidArguments
	case dm.KindInvalidType:
		return ErrInvalidType
	case dm.KindInvalidValue:
		return ErrInvalidValue
	case dm.KindNotWritable:
		return ErrNotWritable
	case dm.KindPermissionDenied:
		return ErrPermissionDenied
	case dm.KindResourcesExceeded:
		return ErrResourcesExceeded
	case dm.KindDeviceUnavailable:
		return ErrRequestDenied
	}
	return ErrInternalError
}

// pathError turns an engine error about requested into the code and the
// peer-facing message of a per-path result. The message names the path it is
// about (the engine's, else the requested one) and never the internal cause.
func pathError(requested string, err error) (ErrCode, string) {
	code, msg := CodeOf(dm.KindOf(err)), dm.Message(err)
	path := requested
	var de *dm.Error
	if errors.As(err, &de) && de.Path != "" {
		path = de.Path
	}
	if !strings.Contains(msg, path) {
		msg = path + ": " + msg
	}
	return code, msg
}
