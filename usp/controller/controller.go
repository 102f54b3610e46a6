// Package controller is a USP Controller client (TR-369 §7): it sends Get,
// GetInstances, GetSupportedDM and GetSupportedProtocol requests to Agents
// and returns their answers as Go values. It serves the operator CLI uspctl,
// end-to-end tests and benchmarks.
//
// The core (Client) is transport-agnostic: it publishes Records through a
// Sender and is fed the Records received with HandleRecord. DialMQTT wires it
// to the MQTT MTP (usp/mtp/mqtt). Protocol types never leave the package.
package controller

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/proto/gen/usprecord"
	"github.com/uspbridge/uspbridge/usp"
	"github.com/uspbridge/uspbridge/usp/internal/wire"
)

// Sender delivers a Record to the MTP address topic (for MQTT, a topic the
// Agent subscribes to). *mqtt.Client implements it.
type Sender interface {
	Publish(ctx context.Context, topic string, record []byte) error
}

// Config configures a Client.
type Config struct {
	// EndpointID is the Controller's own Endpoint ID, e.g. "self::uspctl".
	EndpointID string
	// Version is stamped on request Records; empty means usp.Version.
	Version string
	// Logger receives debug logs about unmatched Records; nil discards them.
	Logger *slog.Logger
}

// Agent addresses one USP Agent.
type Agent struct {
	EndpointID string // the Agent's Endpoint ID, the Records' to_id
	Topic      string // where the Agent receives Records (its MQTT topic)
}

// Client sends requests and matches responses by msg_id (R-MSG.9). Many
// requests may be in flight at once; all methods are safe for concurrent use.
type Client struct {
	id      string
	version string
	send    Sender
	log     *slog.Logger
	prefix  string // random msg_id prefix, unique per Client
	seq     atomic.Uint64

	mu      sync.Mutex
	pending map[string]*call // by msg_id
}

// call is one request waiting for its response.
type call struct {
	agent string
	reply chan answer // buffered: HandleRecord never blocks
}

// answer is a decoded response, or why the response to a call is unusable.
type answer struct {
	msg *uspmsg.Msg
	err error
}

// New returns a Client that sends through s. It does no I/O.
func New(cfg Config, s Sender) *Client {
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	c := &Client{
		id:      cfg.EndpointID,
		version: cfg.Version,
		send:    s,
		log:     cfg.Logger,
		prefix:  hex.EncodeToString(b[:]),
		pending: make(map[string]*call),
	}
	if c.version == "" {
		c.version = usp.Version
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("component", "usp-controller", "endpoint_id", c.id)
	return c
}

// EndpointID returns the Controller's Endpoint ID.
func (c *Client) EndpointID() string { return c.id }

// ErrUnmatched is returned by HandleRecord for a Record that answers no
// pending request (late, duplicate, foreign or not a response).
var ErrUnmatched = errors.New("controller: record matches no pending request")

// HandleRecord is fed every Record the MTP receives. A response or Error to a
// pending request completes it; anything else returns an error wrapping
// ErrUnmatched or a decoding error, which callers may ignore.
func (c *Client) HandleRecord(data []byte) error {
	rec := &usprecord.Record{}
	if err := proto.Unmarshal(data, rec); err != nil {
		return fmt.Errorf("controller: decode record: %w", err)
	}
	if rec.GetToId() != c.id {
		return fmt.Errorf("%w: to_id %q", ErrUnmatched, rec.GetToId())
	}
	payload := rec.GetNoSessionContext().GetPayload()
	if payload == nil {
		return fmt.Errorf("%w: %T record from %q", ErrUnmatched, rec.GetRecordType(), rec.GetFromId())
	}
	msg := &uspmsg.Msg{}
	var bad error // the Msg answers a call but cannot be used
	if err := proto.Unmarshal(payload, msg); err != nil {
		h, ok := wire.PeekHeader(payload)
		if !ok {
			return fmt.Errorf("controller: decode msg from %q: %w", rec.GetFromId(), err)
		}
		msg = &uspmsg.Msg{Header: &uspmsg.Header{MsgId: h.MsgID, MsgType: h.MsgType}}
		bad = fmt.Errorf("undecodable answer from %s (msg_id %s): %w", rec.GetFromId(), h.MsgID, err)
	} else if err := wire.Check(payload, msg.ProtoReflect().Descriptor()); err != nil {
		bad = fmt.Errorf("malformed answer from %s (msg_id %s): %w", rec.GetFromId(), msg.GetHeader().GetMsgId(), err)
	}
	id := msg.GetHeader().GetMsgId()
	c.mu.Lock()
	cl, ok := c.pending[id]
	// R-MSG.9: only the Agent the request went to can answer it.
	if ok && cl.agent == rec.GetFromId() && msg.GetBody().GetRequest() == nil {
		delete(c.pending, id)
	} else {
		ok = false
	}
	c.mu.Unlock()
	if !ok {
		c.log.Debug("unmatched record", "from", rec.GetFromId(), "msg_id", id)
		return fmt.Errorf("%w: msg_id %q from %q", ErrUnmatched, id, rec.GetFromId())
	}
	cl.reply <- answer{msg: msg, err: bad}
	return nil
}

// do sends req to a and waits for the answer, which must be a Response of
// type want or an Error (returned as *Error).
func (c *Client) do(ctx context.Context, a Agent, t uspmsg.Header_MsgType, req *uspmsg.Request, want uspmsg.Header_MsgType) (*uspmsg.Response, error) {
	id := c.prefix + "-" + strconv.FormatUint(c.seq.Add(1), 10)
	msg := &uspmsg.Msg{
		Header: &uspmsg.Header{MsgId: id, MsgType: t},
		Body:   &uspmsg.Body{MsgBody: &uspmsg.Body_Request{Request: req}},
	}
	rec, err := wire.EncodeMsgRecord(c.version, a.EndpointID, c.id, msg)
	if err != nil {
		return nil, err
	}
	cl := &call{agent: a.EndpointID, reply: make(chan answer, 1)}
	c.mu.Lock()
	c.pending[id] = cl
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()

	start := time.Now()
	if err := c.send.Publish(ctx, a.Topic, rec); err != nil {
		return nil, fmt.Errorf("send %s to %s on %s: %w", typeName(t), a.EndpointID, a.Topic, err)
	}
	var reply *uspmsg.Msg
	select {
	case ans := <-cl.reply:
		if ans.err != nil {
			return nil, ans.err
		}
		reply = ans.msg
	case <-ctx.Done():
		return nil, &TimeoutError{Want: typeName(want), Agent: a.EndpointID, MsgID: id, After: time.Since(start), Err: ctx.Err()}
	}
	switch b := reply.GetBody().GetMsgBody().(type) {
	case *uspmsg.Body_Error:
		return nil, newError(b.Error)
	case *uspmsg.Body_Response:
		if got := responseType(b.Response); got != want {
			return nil, fmt.Errorf("%s answered %s (msg_id %s) with %s", a.EndpointID, typeName(t), id, typeName(got))
		}
		return b.Response, nil
	}
	return nil, fmt.Errorf("%s answered %s (msg_id %s) with an empty body", a.EndpointID, typeName(t), id)
}

// responseType names the response held by r (R-MSG.10: the body decides, not
// the header's msg_type).
func responseType(r *uspmsg.Response) uspmsg.Header_MsgType {
	switch r.GetRespType().(type) {
	case *uspmsg.Response_GetResp:
		return uspmsg.Header_GET_RESP
	case *uspmsg.Response_GetInstancesResp:
		return uspmsg.Header_GET_INSTANCES_RESP
	case *uspmsg.Response_GetSupportedDmResp:
		return uspmsg.Header_GET_SUPPORTED_DM_RESP
	case *uspmsg.Response_GetSupportedProtocolResp:
		return uspmsg.Header_GET_SUPPORTED_PROTO_RESP
	case *uspmsg.Response_SetResp:
		return uspmsg.Header_SET_RESP
	case *uspmsg.Response_AddResp:
		return uspmsg.Header_ADD_RESP
	case *uspmsg.Response_DeleteResp:
		return uspmsg.Header_DELETE_RESP
	case *uspmsg.Response_OperateResp:
		return uspmsg.Header_OPERATE_RESP
	case *uspmsg.Response_NotifyResp:
		return uspmsg.Header_NOTIFY_RESP
	case *uspmsg.Response_RegisterResp:
		return uspmsg.Header_REGISTER_RESP
	case *uspmsg.Response_DeregisterResp:
		return uspmsg.Header_DEREGISTER_RESP
	}
	return uspmsg.Header_ERROR
}

// typeName spells a message type the way TR-369 names the message: "Get",
// "GetResp", "GetSupportedDMResp".
func typeName(t uspmsg.Header_MsgType) string {
	switch t {
	case uspmsg.Header_GET:
		return "Get"
	case uspmsg.Header_GET_RESP:
		return "GetResp"
	case uspmsg.Header_GET_INSTANCES:
		return "GetInstances"
	case uspmsg.Header_GET_INSTANCES_RESP:
		return "GetInstancesResp"
	case uspmsg.Header_GET_SUPPORTED_DM:
		return "GetSupportedDM"
	case uspmsg.Header_GET_SUPPORTED_DM_RESP:
		return "GetSupportedDMResp"
	case uspmsg.Header_GET_SUPPORTED_PROTO:
		return "GetSupportedProtocol"
	case uspmsg.Header_GET_SUPPORTED_PROTO_RESP:
		return "GetSupportedProtocolResp"
	case uspmsg.Header_SET_RESP:
		return "SetResp"
	case uspmsg.Header_ADD_RESP:
		return "AddResp"
	case uspmsg.Header_DELETE_RESP:
		return "DeleteResp"
	case uspmsg.Header_OPERATE_RESP:
		return "OperateResp"
	case uspmsg.Header_NOTIFY_RESP:
		return "NotifyResp"
	case uspmsg.Header_ERROR:
		return "Error"
	}
	return t.String()
}

// Get reads the values under paths (TR-369 §7.5.1); maxDepth 0 means the
// whole subtree. Per-path failures are in the results; the error is for the
// request as a whole (*Error, *TimeoutError, transport).
func (c *Client) Get(ctx context.Context, a Agent, paths []string, maxDepth uint32) ([]GetResult, error) {
	resp, err := c.do(ctx, a, uspmsg.Header_GET,
		&uspmsg.Request{ReqType: &uspmsg.Request_Get{Get: &uspmsg.Get{ParamPaths: paths, MaxDepth: maxDepth}}},
		uspmsg.Header_GET_RESP)
	if err != nil {
		return nil, err
	}
	return getResults(resp.GetGetResp()), nil
}

// GetInstances lists the instances of the tables at paths (TR-369 §7.5.2).
func (c *Client) GetInstances(ctx context.Context, a Agent, paths []string, firstLevelOnly bool) ([]InstancesResult, error) {
	resp, err := c.do(ctx, a, uspmsg.Header_GET_INSTANCES,
		&uspmsg.Request{ReqType: &uspmsg.Request_GetInstances{GetInstances: &uspmsg.GetInstances{ObjPaths: paths, FirstLevelOnly: firstLevelOnly}}},
		uspmsg.Header_GET_INSTANCES_RESP)
	if err != nil {
		return nil, err
	}
	return instancesResults(resp.GetGetInstancesResp()), nil
}

// SupportedDMOptions are the flags of a GetSupportedDM request.
type SupportedDMOptions struct {
	FirstLevelOnly bool
	Commands       bool
	Events         bool
	Params         bool
	UniqueKeySets  bool
}

// GetSupportedDM reads the supported data model at paths (TR-369 §7.5.3).
func (c *Client) GetSupportedDM(ctx context.Context, a Agent, paths []string, o SupportedDMOptions) ([]SupportedDMResult, error) {
	resp, err := c.do(ctx, a, uspmsg.Header_GET_SUPPORTED_DM,
		&uspmsg.Request{ReqType: &uspmsg.Request_GetSupportedDm{GetSupportedDm: &uspmsg.GetSupportedDM{
			ObjPaths: paths, FirstLevelOnly: o.FirstLevelOnly, ReturnCommands: o.Commands,
			ReturnEvents: o.Events, ReturnParams: o.Params, ReturnUniqueKeySets: o.UniqueKeySets,
		}}},
		uspmsg.Header_GET_SUPPORTED_DM_RESP)
	if err != nil {
		return nil, err
	}
	return supportedDMResults(resp.GetGetSupportedDmResp()), nil
}

// GetSupportedProtocol sends our supported versions and returns the Agent's
// comma-separated list (TR-369 §7.5.4).
func (c *Client) GetSupportedProtocol(ctx context.Context, a Agent) (string, error) {
	resp, err := c.do(ctx, a, uspmsg.Header_GET_SUPPORTED_PROTO,
		&uspmsg.Request{ReqType: &uspmsg.Request_GetSupportedProtocol{GetSupportedProtocol: &uspmsg.GetSupportedProtocol{
			ControllerSupportedProtocolVersions: usp.SupportedVersions,
		}}},
		uspmsg.Header_GET_SUPPORTED_PROTO_RESP)
	if err != nil {
		return "", err
	}
	return resp.GetGetSupportedProtocolResp().GetAgentSupportedProtocolVersions(), nil
}
