// TLS 1.3 peers for the post-quantum reference captures (scripts/make-captures.sh).
//
// Node's tls module over its bundled OpenSSL (3.5 or later: ML-KEM and the
// hybrid groups). It plays the part `openssl s_server -WWW` and `s_client`
// play for the other captures, with the same request and answer, so the
// captures are checked the same way.
//
//   node pq-peers.js server PORT GROUPS CERT KEY FILE
//       Serve FILE to one connection, answering like s_server -WWW
//       ("HTTP/1.0 200 ok"), then exit. Prints "ACCEPT" once listening.
//   node pq-peers.js client PORT LOCALPORT GROUPS CAFILE KEYLOG
//       Connect from 127.0.0.1:LOCALPORT, send GET /hello.txt, print the
//       answer, append the NSS key log lines to KEYLOG, exit 0 on a 200.
//
// GROUPS is an OpenSSL group list (SSL_CTX_set1_groups_list, via ecdhCurve):
// "X25519MLKEM768", or "X25519MLKEM768:*X25519" to list a group but send a
// key share only for the one marked with '*' (OpenSSL 3.5 syntax).
'use strict';

const fs = require('fs');
const tls = require('tls');

const REQUEST = 'GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n';

// Fail loudly rather than hang: make-captures.sh also has its own deadlines.
function die(msg) {
	process.stderr.write(`pq-peers: ${msg}\n`);
	process.exit(1);
}

// One connection, answered like s_server -WWW, then the server closes.
function server(port, groups, cert, key, file) {
	const body = fs.readFileSync(file);
	const srv = tls.createServer({
		cert: fs.readFileSync(cert),
		key: fs.readFileSync(key),
		minVersion: 'TLSv1.3',
		ecdhCurve: groups,
	}, (sock) => {
		let got = '';
		sock.on('data', (d) => {
			got += d.toString('latin1');
			if (!got.includes('\r\n\r\n'))
				return;
			sock.end(Buffer.concat([Buffer.from('HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\n'), body]));
		});
		sock.on('error', (e) => die(`server socket: ${e.message}`));
		sock.on('close', () => srv.close());
	});
	srv.on('tlsClientError', (e) => die(`server handshake: ${e.message}`));
	srv.listen(port, '127.0.0.1', () => console.log('ACCEPT'));
}

// One GET; the key log is the client's, as with s_client -keylogfile.
function client(port, localPort, groups, ca, keylog) {
	let answer = '';
	const sock = tls.connect({
		host: '127.0.0.1',
		port,
		localAddress: '127.0.0.1',
		localPort,
		servername: 'localhost',
		ca: fs.readFileSync(ca),
		minVersion: 'TLSv1.3',
		ecdhCurve: groups,
	}, () => sock.write(REQUEST));
	sock.on('keylog', (line) => fs.appendFileSync(keylog, line));
	sock.on('data', (d) => { answer += d.toString('latin1'); });
	sock.on('error', (e) => die(`client: ${e.message}`));
	sock.on('end', () => sock.end());
	sock.on('close', () => {
		process.stdout.write(answer);
		process.exit(answer.startsWith('HTTP/1.0 200 ok') ? 0 : 1);
	});
}

const [role, ...a] = process.argv.slice(2);
if (role === 'server' && a.length === 5)
	server(Number(a[0]), a[1], a[2], a[3], a[4]);
else if (role === 'client' && a.length === 5)
	client(Number(a[0]), Number(a[1]), a[2], a[3], a[4]);
else
	die('usage: pq-peers.js server PORT GROUPS CERT KEY FILE | client PORT LOCALPORT GROUPS CAFILE KEYLOG');
