import * as fs from 'node:fs';
import * as http from 'node:http';

const server = http.createServer(async (req, res) => {
  const body = fs.readFileSync('/etc/hostname', 'utf8');
  res.end(body);
});
server.listen(8080);
