// Reads a JSON array of strings on stdin and writes a JSON array with the
// number of o200k_base tokens of each, for the klipy-mcp benchmark.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const texts = JSON.parse(input);
process.stdout.write(JSON.stringify(texts.map((t) => countTokens(t))) + '\n');
