package broker

import (
	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// hook is the broker's single mochi hook: authentication (allow all), the
// optional ACL, the optional observer, "subscribe-topic" CONNACK properties
// and the send-quota repair.
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
	case mochi.OnConnectAuthenticate, mochi.OnACLCheck, mochi.OnPacketRead:
		return true
	case mochi.OnConnect, mochi.OnSubscribed, mochi.OnPublish, mochi.OnDisconnect:
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

// OnPacketRead repairs mochi's send quota and reports DISCONNECT packets.
//
// mochi 2.7.9 defers QoS 1/2 messages to a client whose Receive Maximum is
// exhausted; when quota frees up it sends one and deletes it from the
// client's inflight table at once, so the client's PUBACK for it finds
// nothing and never gives the quota back. After Receive Maximum such
// messages the quota is zero for good and delivery stalls. A PUBACK for an
// identifier not in flight therefore returns one unit of quota here (mochi
// caps the quota at its maximum), which lets mochi send the next deferred
// message right after processing this PUBACK.
func (h *hook) OnPacketRead(cl *mochi.Client, pk packets.Packet) (packets.Packet, error) {
	switch pk.FixedHeader.Type {
	case packets.Puback:
		if _, ok := cl.State.Inflight.Get(pk.PacketID); !ok {
			cl.State.Inflight.IncreaseSendQuota()
		}
	case packets.Disconnect:
		if h.observe != nil {
			h.observe(Event{Kind: EventDisconnect, ClientID: cl.ID, ReasonCode: pk.ReasonCode})
		}
	}
	return pk, nil
}

// OnConnect reports an accepted CONNECT.
func (h *hook) OnConnect(cl *mochi.Client, pk packets.Packet) error {
	h.observe(Event{
		Kind:           EventConnect,
		ClientID:       cl.ID,
		UserProperties: userProperties(pk.Properties.User),
		KeepAlive:      pk.Connect.Keepalive,
	})
	return nil
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
