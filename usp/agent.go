package usp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"google.golang.org/protobuf/proto"

	"github.com/uspbridge/uspbridge/bridge"
	"github.com/uspbridge/uspbridge/bridge/dm"
	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
	"github.com/uspbridge/uspbridge/usp/internal/wire"
)

// Engine is what the Agent needs from the TR-181 core of one router
// (implemented by *bridge.Device). Errors are *dm.Error values; their Kind
// picks the USP error code (CodeOf).
type Engine interface {
	// Get resolves path and returns every matching object with its
	// parameters; maxDepth 0 means the whole subtree (TR-369 R-GET.5).
	Get(ctx context.Context, path string, maxDepth int) ([]bridge.Object, error)
	// GetInstances lists the instances of the table(s) path addresses
	// (TR-369 §7.5.2).
	GetInstances(ctx context.Context, path string, firstLevelOnly bool) ([]bridge.Instance, error)
	// Schema is the supported data model, used for GetSupportedDM.
	Schema() *dm.Schema
}

var _ Engine = (*bridge.Device)(nil)

// Controller is one USP Controller this Agent accepts Records from
// (Device.LocalAgent.Controller.{i}.).
type Controller struct {
	// EndpointID is the Controller's Endpoint ID (TR-369 §2.2).
	EndpointID string
	// MQTTTopic is where the Controller listens
	// (Controller.{i}.MTP.{i}.MQTT.Topic): Connect Records and Notifications go
	// there, and replies when a request carried no reply-to.
	MQTTTopic string
}

// Config configures an Agent.
type Config struct {
	// EndpointID is the Agent's own Endpoint ID, e.g. "os::4C5E0C-HCQ08ABCDEF".
	EndpointID string
	// Controllers lists the Controllers the Agent talks to; Records from any
	// other Endpoint are dropped.
	Controllers []Controller
	// DataModelURI is reported in GetSupportedDMResp.data_model_inst_uri;
	// empty means DefaultDataModelURI.
	DataModelURI string
}

// DefaultDataModelURI names the TR-181 issue the bridge's schema follows.
const DefaultDataModelURI = "urn:broadband-forum-org:tr-181-2-19-1"

// Agent is the USP Agent of one router: it decodes Records received by any
// MTP, answers the Messages in them from the Engine and encodes the reply
// Records. It knows nothing of the MTP in use. Safe for concurrent use.
type Agent struct {
	id     string
	ctrls  map[string]Controller
	order  []Controller
	engine Engine
	log    *slog.Logger
	dmURI  string

	mu       sync.Mutex
	inFlight map[string]struct{} // from_id + "\x00" + msg_id (R-MSG.4)

	stats counters
}

// NewAgent returns an Agent for engine. It does no I/O. A nil logger
// discards logs.
func NewAgent(cfg Config, engine Engine, logger *slog.Logger) *Agent {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &Agent{
		id:       cfg.EndpointID,
		ctrls:    make(map[string]Controller, len(cfg.Controllers)),
		order:    append([]Controller(nil), cfg.Controllers...),
		engine:   engine,
		log:      logger.With("component", "usp", "endpoint_id", cfg.EndpointID),
		dmURI:    cfg.DataModelURI,
		inFlight: make(map[string]struct{}),
	}
	if a.dmURI == "" {
		a.dmURI = DefaultDataModelURI
	}
	for _, c := range cfg.Controllers {
		a.ctrls[c.EndpointID] = c
	}
	return a
}

// EndpointID returns the Agent's Endpoint ID.
func (a *Agent) EndpointID() string { return a.id }

// Controllers returns the configured Controllers.
func (a *Agent) Controllers() []Controller { return append([]Controller(nil), a.order...) }

// DropReason says why HandleRecord dropped a Record without answering.
type DropReason int

// Reasons for dropping a Record.
const (
	// DropMalformed: the Record or its Msg does not decode or breaks an
	// encoding rule (R-ENC.2, R-ENC.4), and no Error can be returned.
	DropMalformed DropReason = iota + 1
	// DropNotForUs: to_id is not our Endpoint ID (R-E2E.1).
	DropNotForUs
	// DropFromSelf: from_id is our own Endpoint ID (TP-469 test 2.1).
	DropFromSelf
	// DropUnknownController: from_id is not a configured Controller.
	DropUnknownController
	// DropDuplicate: a Msg with the same msg_id from the same Controller is
	// still being processed (R-MSG.4).
	DropDuplicate
	// DropUnsupported: a record type or payload protection this Agent does
	// not implement, with no msg_id to answer with an Error (R-MTP.5).
	DropUnsupported
)

// String names the reason for logs and metrics labels.
func (r DropReason) String() string {
	switch r {
	case DropMalformed:
		return "malformed"
	case DropNotForUs:
		return "not for us"
	case DropFromSelf:
		return "from self"
	case DropUnknownController:
		return "unknown controller"
	case DropDuplicate:
		return "duplicate msg_id"
	case DropUnsupported:
		return "unsupported"
	}
	return fmt.Sprintf("DropReason(%d)", int(r))
}

// DropError is the error HandleRecord returns for a Record it dropped. The
// Agent has already counted (Stats) and logged it at debug level; the MTP
// needs to do nothing more.
type DropError struct {
	Reason DropReason
	Detail string
}

// Error says why the Record was dropped.
func (e *DropError) Error() string {
	if e.Detail == "" {
		return "usp: record dropped: " + e.Reason.String()
	}
	return "usp: record dropped: " + e.Reason.String() + ": " + e.Detail
}

// Stats counts Records by outcome since the Agent was created.
type Stats struct {
	Received uint64 // Records passed to HandleRecord
	Replied  uint64 // Records returned for sending (responses and Errors)
	Errors   uint64 // of Replied, those carrying an Error Msg
	Ignored  uint64 // well-formed Records needing no reply (Connect, Responses)
	Dropped  map[DropReason]uint64
}

type counters struct {
	received, replied, errors, ignored atomic.Uint64
	dropped                            [DropUnsupported + 1]atomic.Uint64
}

// Stats returns a snapshot of the Agent's counters.
func (a *Agent) Stats() Stats {
	s := Stats{
		Received: a.stats.received.Load(),
		Replied:  a.stats.replied.Load(),
		Errors:   a.stats.errors.Load(),
		Ignored:  a.stats.ignored.Load(),
		Dropped:  make(map[DropReason]uint64),
	}
	for r := DropMalformed; r <= DropUnsupported; r++ {
		if n := a.stats.dropped[r].Load(); n > 0 {
			s.Dropped[r] = n
		}
	}
	return s
}

// HandleRecord processes one Record received by an MTP and returns the Record
// to send back, or nil when there is nothing to send. The reply goes to the
// reply-to address of the request (MQTT Response Topic, WebSocket session);
// ControllerTopic gives the fallback. A *DropError means the Record was
// dropped; any other error is ctx's. Safe for concurrent use.
func (a *Agent) HandleRecord(ctx context.Context, data []byte) (reply []byte, err error) {
	a.stats.received.Add(1)
	reply, err = a.handleRecord(ctx, data)
	var de *DropError
	switch {
	case errors.As(err, &de):
		a.stats.dropped[de.Reason].Add(1)
		a.log.Debug("record dropped", "reason", de.Reason.String(), "detail", de.Detail)
	case err != nil:
	case reply != nil:
		a.stats.replied.Add(1)
	default:
		a.stats.ignored.Add(1)
	}
	return reply, err
}

func drop(r DropReason, format string, args ...any) *DropError {
	return &DropError{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

func (a *Agent) handleRecord(ctx context.Context, data []byte) ([]byte, error) {
	rec := &usprecord.Record{}
	if err := proto.Unmarshal(data, rec); err != nil {
		// R-MTP.5: still answer 7100 when the addresses and a request's
		// msg_id can be read.
		dropErr := drop(DropMalformed, "decode record: %v", err)
		to, from, payload := wire.PeekRecord(data)
		if a.checkPeers(to, from) != nil {
			return nil, dropErr
		}
		return a.recordError(Version, from, payload, ErrRecordNotParsed,
			fmt.Sprintf("cannot decode USP Record: %v", err), dropErr)
	}
	if err := a.checkPeers(rec.GetToId(), rec.GetFromId()); err != nil {
		return nil, err
	}
	from := rec.GetFromId()
	// R-ENC.4: a Record with a broken oneof is discarded, never answered.
	if err := wire.Check(data, rec.ProtoReflect().Descriptor()); err != nil {
		return nil, drop(DropMalformed, "%v", err)
	}
	version, ok := replyVersion(rec.GetVersion())
	nsc := rec.GetNoSessionContext()
	if !ok {
		return a.recordError(Version, from, nsc.GetPayload(), ErrInvalidRecordValue,
			fmt.Sprintf("unsupported USP Record version %q (supported: %s)", rec.GetVersion(), SupportedVersions),
			drop(DropMalformed, "record version %q", rec.GetVersion()))
	}
	switch rt := rec.GetRecordType().(type) {
	case *usprecord.Record_NoSessionContext:
		if rec.GetPayloadSecurity() != usprecord.Record_PLAINTEXT {
			// The payload is encrypted: no msg_id to answer with.
			return nil, drop(DropUnsupported, "payload security %v", rec.GetPayloadSecurity())
		}
		if len(rt.NoSessionContext.GetPayload()) == 0 {
			return nil, drop(DropMalformed, "empty payload (R-E2E.26)")
		}
		return a.handlePayload(ctx, version, from, rt.NoSessionContext.GetPayload())
	case *usprecord.Record_SessionContext:
		// E2E session contexts are optional (TP-469 feature 24); say so when
		// the request can be identified (R-MTP.5), in a NoSessionContext
		// Record since we keep no session.
		var payload []byte
		sc := rt.SessionContext
		if rec.GetPayloadSecurity() == usprecord.Record_PLAINTEXT && len(sc.GetPayload()) == 1 &&
			sc.GetPayloadSarState() == usprecord.SessionContextRecord_NONE {
			payload = sc.GetPayload()[0]
		}
		return a.recordError(version, from, payload, ErrSessionContextNotAllowed,
			"E2E session contexts are not supported; use no_session_context records",
			drop(DropUnsupported, "session context record"))
	default:
		// Connect and Disconnect Records from a Controller need no answer.
		return nil, nil
	}
}

// checkPeers applies R-E2E.1, TP-469 2.1 and the Controller table.
func (a *Agent) checkPeers(to, from string) error {
	switch {
	case to != a.id:
		return drop(DropNotForUs, "to_id %q", to)
	case from == a.id:
		return drop(DropFromSelf, "from_id %q", from)
	}
	if _, ok := a.ctrls[from]; !ok {
		return drop(DropUnknownController, "from_id %q", from)
	}
	return nil
}

// recordError answers an erroneous Record with an Error Msg when payload
// holds a request whose msg_id can be read (R-MTP.5); otherwise it returns
// dropErr.
func (a *Agent) recordError(version, to string, payload []byte, code ErrCode, msg string, dropErr *DropError) ([]byte, error) {
	h, ok := wire.PeekHeader(payload)
	if !ok || !wire.IsRequestType(h.MsgType) {
		return nil, dropErr
	}
	a.log.Debug("record error", "msg_id", h.MsgID, "code", uint32(code), "detail", dropErr.Detail)
	return a.encode(version, to, errorMsg(h.MsgID, code, msg))
}

// handlePayload decodes and answers one Msg.
func (a *Agent) handlePayload(ctx context.Context, version, from string, payload []byte) ([]byte, error) {
	msg := &uspmsg.Msg{}
	if err := proto.Unmarshal(payload, msg); err != nil {
		return a.recordError(version, from, payload, ErrRecordNotParsed,
			fmt.Sprintf("cannot decode USP Msg: %v", err),
			drop(DropMalformed, "decode msg: %v", err))
	}
	msgID := msg.GetHeader().GetMsgId()
	if msgID == "" {
		return nil, drop(DropMalformed, "msg without msg_id (R-MSG.8)")
	}
	if err := wire.Check(payload, msg.ProtoReflect().Descriptor()); err != nil {
		// R-MSG.10: the body says what the Msg is; the header only when the
		// body is missing or empty.
		isRequest := msg.GetBody().GetRequest() != nil ||
			msg.GetBody().GetMsgBody() == nil && wire.IsRequestType(msg.GetHeader().GetMsgType())
		var ve *wire.ViolationError
		if errors.As(err, &ve) && ve.Rule == "R-ENC.3" && isRequest {
			// R-ENC.5: answer a request that breaks R-ENC.3 with 7004.
			return a.encode(version, from, errorMsg(msgID, ErrInvalidArguments, err.Error()))
		}
		// R-ENC.2: unknown enumeration value, no further processing.
		return nil, drop(DropMalformed, "%v", err)
	}
	body := msg.GetBody()
	if body == nil {
		if !wire.IsRequestType(msg.GetHeader().GetMsgType()) {
			return nil, drop(DropMalformed, "msg %q without body (R-MSG.7)", msgID)
		}
		return a.encode(version, from, errorMsg(msgID, ErrInvalidArguments, "message has no body (R-MSG.7)"))
	}
	req := body.GetRequest()
	if req == nil {
		// Responses and Errors (e.g. NotifyResp) are not answered (R-MTP.5).
		return nil, nil
	}

	key := from + "\x00" + msgID
	a.mu.Lock()
	if _, dup := a.inFlight[key]; dup {
		a.mu.Unlock()
		return nil, drop(DropDuplicate, "msg_id %q from %q", msgID, from)
	}
	a.inFlight[key] = struct{}{}
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.inFlight, key)
		a.mu.Unlock()
	}()

	resp := a.dispatch(ctx, msgID, from, req)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return a.encode(version, from, resp)
}

// encode wraps msg in a NoSessionContext Record to to (R-MSG.0a: we only
// accept requests in NoSessionContext Records).
func (a *Agent) encode(version, to string, msg *uspmsg.Msg) ([]byte, error) {
	if _, isErr := msg.GetBody().GetMsgBody().(*uspmsg.Body_Error); isErr {
		a.stats.errors.Add(1)
	}
	return wire.EncodeMsgRecord(version, to, a.id, msg)
}

// ControllerTopic returns the MQTT topic of the Controller a Record built by
// this Agent is addressed to, for replies to requests that carried no
// reply-to (MQTT 3.1.1 without "/reply-to=", R-MQTT.26). ok is false when the
// Record is not addressed to a configured Controller or has no topic.
func (a *Agent) ControllerTopic(record []byte) (topic string, ok bool) {
	to, _, _ := wire.PeekRecord(record)
	c, found := a.ctrls[to]
	return c.MQTTTopic, found && c.MQTTTopic != ""
}

// MQTTVersion is the MQTT protocol version of an MTP connection, as an
// MQTTConnectRecord reports it.
type MQTTVersion int

// MQTT versions.
const (
	MQTT311 MQTTVersion = iota // MQTT 3.1.1
	MQTT5                      // MQTT 5.0
)

// Outbound is a Record the MTP must publish to Topic.
type Outbound struct {
	To     string // the Controller's Endpoint ID
	Topic  string // the Controller's MQTT topic
	Record []byte
}

// MQTTConnectRecord returns the MQTTConnectRecord (R-MTP.6, TR-369 §4.1.3)
// for the Controller with Endpoint ID to: the Agent is reachable on
// subscribedTopic over MQTT version v.
func (a *Agent) MQTTConnectRecord(to string, v MQTTVersion, subscribedTopic string) ([]byte, error) {
	ver := usprecord.MQTTConnectRecord_V5
	if v == MQTT311 {
		ver = usprecord.MQTTConnectRecord_V3_1_1
	}
	rec := &usprecord.Record{
		Version: Version,
		ToId:    to,
		FromId:  a.id,
		RecordType: &usprecord.Record_MqttConnect{MqttConnect: &usprecord.MQTTConnectRecord{
			Version:         ver,
			SubscribedTopic: subscribedTopic,
		}},
	}
	return proto.Marshal(rec)
}

// MQTTConnectRecords returns one MQTTConnectRecord per configured Controller
// with an MQTT topic, in configuration order: what the MQTT MTP publishes
// right after its subscription to subscribedTopic succeeded (R-MTP.6,
// R-MTP.8; TP-469 11.17 wants it within 30 s).
func (a *Agent) MQTTConnectRecords(v MQTTVersion, subscribedTopic string) ([]Outbound, error) {
	var out []Outbound
	for _, c := range a.order {
		if c.MQTTTopic == "" {
			continue
		}
		rec, err := a.MQTTConnectRecord(c.EndpointID, v, subscribedTopic)
		if err != nil {
			return nil, err
		}
		out = append(out, Outbound{To: c.EndpointID, Topic: c.MQTTTopic, Record: rec})
	}
	return out, nil
}
