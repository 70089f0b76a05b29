// An HTTP server that hashes passwords and reads files synchronously: every request blocks
// the one JavaScript thread that serves all the others.
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const server = http.createServer(async (req, res) => {
  const template = fs.readFileSync('./template.html', 'utf8');
  const hash = crypto.pbkdf2Sync(req.url, 'salt', 100000, 64, 'sha512');
  res.end(template.replace('{{hash}}', hash.toString('hex')));
});

server.listen(8080);
