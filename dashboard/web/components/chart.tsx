/** A uPlot time-series chart that keeps its instance and only swaps the data on refresh. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: number[];
}

export function Chart({ title, times, series }: { title: string; times: number[]; series: ChartSeries[] }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const data = [times, ...series.map((s) => s.values)] as uPlot.AlignedData;

  useEffect(() => {
    if (!host.current) return;
    const width = () => Math.max(300, host.current?.clientWidth ?? 600);
    plot.current = new uPlot(
      {
        title,
        width: width(),
        height: 200,
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
        axes: [{}, { label: 'jobs / min' }],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: `${s.color}22`, width: 2 }))],
      },
      data,
      host.current,
    );
    const resize = () => plot.current?.setSize({ width: width(), height: 200 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.current?.destroy();
    };
  }, [title, series.length]);

  useEffect(() => plot.current?.setData(data), [data]);
  return <div class="chart" ref={host} data-chart={title} />;
}
