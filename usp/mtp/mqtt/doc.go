// Package mqtt is the MQTT 5 Message Transfer Protocol of USP (TR-369 §4.5,
// "MQTT Binding"): it moves opaque USP Record bytes between one USP Endpoint
// and an MQTT server, and serves both roles, Agent and Controller.
//
// One Client is one MQTT connection carrying exactly one Endpoint ID
// (R-MQTT.13), so the bridge runs one Client per router. A Client:
//
//   - connects with the Endpoint ID as the "usp-endpoint-id" CONNECT User
//     Property (R-MQTT.13), a stable ClientId (R-MQTT.8, R-MQTT.9, R-MQTT.11)
//     and the configured Keep Alive (R-MQTT.14);
//   - subscribes to its own topic and to every CONNACK "subscribe-topic"
//     (R-MQTT.15); when the SUBACK refuses its topic it publishes nothing,
//     sends DISCONNECT and retries (R-MQTT.17);
//   - calls onConnect after every successful subscription, where an Agent
//     sends its MQTTConnectRecord (R-MTP.6), and hands no received Record to
//     the Handler before onConnect has returned (R-MTP.8);
//   - publishes Records with Content Type "usp.msg" and its own topic as the
//     Response Topic (R-MQTT.22, R-MQTT.23, R-MQTT.27), and accepts "usp.msg"
//     and "application/vnd.bbf.usp.msg" (R-MQTT.27a);
//   - reconnects with the TR-181 ConnectRetryTime back-off (R-MQTT.10,
//     R-MQTT.33) and sends DISCONNECT when stopped (R-MQTT.35).
//
// Every transport (mqtt/tcp, mqtts/ssl/tls, ws, wss) runs with TCP_NODELAY and
// writes each MQTT control packet with a single write, so request/response
// round trips are not delayed by Nagle's algorithm.
//
// The package knows nothing of protobuf, the data model or RouterOS: it
// imports none of proto, bridge, cwmp or routeros.
package mqtt
