package broker

import (
	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// hook is the broker's single mochi hook: authentication (allow all), the
// optional ACL, the optional observer, "subscribe-topic" CONNACK properties
// and the send-quota work-around.
type hook struct {
	mochi.HookBase
	acl             func(clientID, topic string, write bool) bool
	observe         func(Event)
	subscribeTopics func(clientID string) []string
}

// ID names the hook in mochi's log.
func (h *hook) ID() string { return "uspbridge" }

// Provides tells mochi which hook methods to call.
func (h *hook) Provides(b byte) bool {
	switch b {
	case mochi.OnConnectAuthenticate, mochi.OnACLCheck, mochi.OnConnect, mochi.OnSessionEstablished:
		return true
	case mochi.OnPacketRead, mochi.OnSubscribed, mochi.OnPublish, mochi.OnDisconnect:
		return h.observe != nil
	case mochi.OnPacketEncode:
		return h.subscribeTopics != nil
	}
	return false
}

// OnConnectAuthenticate accepts every client.
func (h *hook) OnConnectAuthenticate(*mochi.Client, packets.Packet) bool { return true }

// OnACLCheck applies the ACL, if any.
func (h *hook) OnACLCheck(cl *mochi.Client, topic string, write bool) bool {
	return h.acl == nil || h.acl(cl.ID, topic, write)
}

// OnPacketRead reports DISCONNECT packets.
func (h *hook) OnPacketRead(cl *mochi.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type == packets.Disconnect && h.observe != nil {
		h.observe(Event{Kind: EventDisconnect, ClientID: cl.ID, ReasonCode: pk.ReasonCode})
	}
	return pk, nil
}

// disableSendQuota turns off mochi's handling of the client's Receive
// Maximum. mochi 2.7.9 gets it wrong in three ways once a client has
// unacknowledged QoS 1 messages:
//   - after every packet from such a client it calls Inflight.NextImmediate,
//     which read-locks the inflight table twice; a publisher queueing for the
//     write lock in between deadlocks both connections for good;
//   - a message held back for lack of quota is dropped from the inflight
//     table when finally sent, so its PUBACK never returns the quota and
//     delivery to the client stops after Receive Maximum such messages;
//   - whether to hold a message back is decided from a stale quota reading,
//     so a held message can wait for the client's next packet.
//
// With the quota's maximum at zero mochi never holds messages back and never
// reaches that code; QoS 1 deliveries are still tracked and acknowledged.
// The price: this broker does not enforce a client's Receive Maximum, and a
// client that cannot keep up is slowed by TCP flow control instead.
func disableSendQuota(cl *mochi.Client) {
	cl.State.Inflight.ResetSendQuota(0)
}

// OnConnect disables the send quota and reports an accepted CONNECT.
func (h *hook) OnConnect(cl *mochi.Client, pk packets.Packet) error {
	disableSendQuota(cl)
	if h.observe == nil {
		return nil
	}
	h.observe(Event{
		Kind:           EventConnect,
		ClientID:       cl.ID,
		UserProperties: userProperties(pk.Properties.User),
		KeepAlive:      pk.Connect.Keepalive,
	})
	return nil
}

// OnSessionEstablished disables the send quota again: taking over a session
// resets it from the client's Receive Maximum.
func (h *hook) OnSessionEstablished(cl *mochi.Client, _ packets.Packet) {
	disableSendQuota(cl)
}

// OnSubscribed reports a processed SUBSCRIBE with its SUBACK reason codes.
func (h *hook) OnSubscribed(cl *mochi.Client, pk packets.Packet, reasonCodes []byte) {
	filters := make([]string, len(pk.Filters))
	for i, f := range pk.Filters {
		filters[i] = f.Filter
	}
	h.observe(Event{
		Kind:           EventSubscribe,
		ClientID:       cl.ID,
		UserProperties: userProperties(pk.Properties.User),
		Filters:        filters,
		ReasonCodes:    append([]byte(nil), reasonCodes...),
	})
}

// OnPublish reports a PUBLISH received from a client.
func (h *hook) OnPublish(cl *mochi.Client, pk packets.Packet) (packets.Packet, error) {
	h.observe(Event{
		Kind:           EventPublish,
		ClientID:       cl.ID,
		UserProperties: userProperties(pk.Properties.User),
		Topic:          pk.TopicName,
		QoS:            pk.FixedHeader.Qos,
		ContentType:    pk.Properties.ContentType,
		ResponseTopic:  pk.Properties.ResponseTopic,
		Payload:        pk.Payload,
	})
	return pk, nil
}

// OnDisconnect reports the end of a connection.
func (h *hook) OnDisconnect(cl *mochi.Client, err error, _ bool) {
	h.observe(Event{Kind: EventClosed, ClientID: cl.ID, Err: err})
}

// OnPacketEncode adds "subscribe-topic" User Properties to successful MQTT 5
// CONNACKs (R-MQTT.44).
func (h *hook) OnPacketEncode(cl *mochi.Client, pk packets.Packet) packets.Packet {
	if pk.FixedHeader.Type != packets.Connack || pk.ReasonCode != packets.CodeSuccess.Code || cl.Properties.ProtocolVersion != 5 {
		return pk
	}
	topics := h.subscribeTopics(cl.ID)
	if len(topics) == 0 {
		return pk
	}
	user := append([]packets.UserProperty(nil), pk.Properties.User...)
	for _, t := range topics {
		user = append(user, packets.UserProperty{Key: "subscribe-topic", Val: t})
	}
	pk.Properties.User = user
	return pk
}

func userProperties(in []packets.UserProperty) []UserProperty {
	if len(in) == 0 {
		return nil
	}
	out := make([]UserProperty, len(in))
	for i, p := range in {
		out[i] = UserProperty{Key: p.Key, Value: p.Val}
	}
	return out
}
