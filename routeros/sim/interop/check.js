// Interop check: node-routeros 1.6.9, an independent RouterOS API client,
// against the simulator (run by TestNodeRouterOS in pre-7.18 mode, since
// node-routeros crashes on !empty).
//
// Usage: node check.js <host> <port> <user> <password>
'use strict';

const { RouterOSAPI } = require('node-routeros');

const [host, port, user, password = ''] = process.argv.slice(2);

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}

function check(cond, msg) {
  if (!cond) fail(msg);
}

function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const conn = new RouterOSAPI({ host, port: Number(port), user, password, timeout: 5 });
  await conn.connect();

  // print with .proplist and a query
  const ethers = await conn.write('/interface/print', ['?type=ether', '=.proplist=.id,name,running']);
  check(ethers.length >= 2, 'expected ethernet ports, got ' + JSON.stringify(ethers));
  for (const row of ethers) {
    check(row['.id'].startsWith('*') && row.name.startsWith('ether') && !('type' in row),
      'bad proplist row ' + JSON.stringify(row));
  }
  const bridgeOrWifi = await conn.write('/interface/print', ['?type=bridge', '?type=wifi', '?#|', '=.proplist=name']);
  check(bridgeOrWifi.map((r) => r.name).join(',') === 'wifi1,wifi2,bridge',
    'query ?#| gave ' + JSON.stringify(bridgeOrWifi));

  // listen, then a change made on another channel of the same connection
  let gotEvent;
  const event = new Promise((resolve) => { gotEvent = resolve; });
  const stream = conn.stream(['/ip/address/listen'], (err, data) => {
    if (err) fail('listen: ' + err.message);
    if (data && data.comment === 'node-interop') gotEvent(data);
  });
  const added = await conn.write('/ip/address/add', ['=address=10.77.0.1/24', '=interface=ether3', '=comment=node-interop']);
  check(added.length === 1 && /^\*[0-9A-F]+$/.test(added[0].ret), 'add returned ' + JSON.stringify(added));
  const ev = await within(5000, event, 'the listen event');
  check(ev['.id'] === added[0].ret && ev.network === '10.77.0.0' && ev.interface === 'ether3',
    'listen event ' + JSON.stringify(ev));
  await within(5000, stream.stop(), 'the cancel');

  // RouterOS trap messages
  try {
    await conn.write('/ip/address/remove', ['=.id=*FFFF']);
    fail('remove of a missing item succeeded');
  } catch (e) {
    check(e.message === 'no such item (4)', 'trap message ' + JSON.stringify(e.message));
  }
  try {
    await conn.write('/caps-man/print');
    fail('unknown menu succeeded');
  } catch (e) {
    check(e.message === 'no such command or directory (caps-man)', 'trap message ' + JSON.stringify(e.message));
  }

  await conn.close();
  console.log('node-routeros interop: ok');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
