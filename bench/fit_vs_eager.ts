// W3 through fit against W3 eager, in interleaved pairs (the machine's speed drifts over minutes, so
// a single pair says little): prints each pair and the median ratio. npx tsx bench/fit_vs_eager.ts [pairs]
import './built';
import { useThreads } from './pin';
import { w3FitRunner, w3Runner } from './workloads';

async function main(): Promise<void> {
  const pairs = Number(process.argv[2] ?? 8);
  for (const t of [1, 2]) {
    useThreads(t);
    const ratios: number[] = [];
    const eagerRun = w3Runner({ quick: false });
    const fitRun = w3FitRunner({ quick: false });
    for (let i = 0; i < pairs; i++) {
      const eager = await eagerRun();
      const fit = await fitRun();
      ratios.push(fit / eager);
      console.log(`${t} thread(s): eager ${eager.toFixed(0)} samples/s, fit ${fit.toFixed(0)} samples/s, fit/eager ${(fit / eager).toFixed(3)}`);
    }
    ratios.sort((a, b) => a - b);
    const mid = ratios.length >> 1;
    const median = ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
    console.log(`${t} thread(s): median fit/eager over ${pairs} pairs ${median.toFixed(3)}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
