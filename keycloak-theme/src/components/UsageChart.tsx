import {
  Chart,
  ChartAxis,
  ChartBar,
  ChartLegend,
  ChartLegendTooltip,
  ChartStack,
  ChartThemeColor,
  createContainer,
} from "@patternfly/react-charts";
import { getResizeObserver } from "@patternfly/react-core";
import { useEffect, useRef, useState } from "react";
import { Bar, type BarProps } from "victory-bar";
import type { DailyTokens } from "../usage/usageSeries";
import { formatCompact, formatCount, formatDay, formatShortDay } from "../usage/usageFormat";

type UsageChartProps = {
  daily: DailyTokens;
  /** The provider's display name ("OpenAI" for openai). */
  providerName: (provider: string) => string;
  locale?: string;
};

/** One bar segment as the chart draws it: x is the day's position (1 = first day of the range). */
type BarDatum = { x: number; y: number; name: string; provider: string; day: string };

const HEIGHT = 300;
/** Used until the container has been measured (and in jsdom, which measures nothing). */
const FALLBACK_WIDTH = 720;
const LEGEND_ROW = 24;

// A tooltip that lists every provider of the day under the pointer, as PatternFly's legend tooltip.
const CursorVoronoiContainer = createContainer("voronoi", "cursor");

/**
 * Each bar segment inside a <g> that names its day, provider and tokens, so tests (and anyone
 * reading the DOM) can tell the bars apart. What it draws is Victory's own bar.
 */
const TaggedBar = (props: BarProps) => {
  const datum = props.datum as BarDatum | undefined;
  return (
    <g data-testid="usage-bar" data-provider={datum?.provider} data-date={datum?.day} data-tokens={datum?.y}>
      <Bar {...props} />
    </g>
  );
};

/**
 * Tokens per day, stacked by provider, as PatternFly bars. The picture is decorative for screen
 * readers beyond its title and description: the table next to it holds the same numbers.
 */
export const UsageChart = ({ daily, providerName, locale }: UsageChartProps) => {
  const containerRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const element = containerRef.current;
    if (!element) return undefined;
    const measure = () => setWidth(element.clientWidth);
    measure();
    return getResizeObserver(element, measure);
  }, []);

  const chartWidth = width > 0 ? width : FALLBACK_WIDTH;
  const { days, series } = daily;
  const dayOf = (x: number) => days[x - 1] ?? "";
  const barName = (provider: string) => `byok-usage-${provider}`;
  // childName ties each legend entry to its bars: the tooltip lists the entries whose bar is under the pointer.
  const legendData = series.map((s) => ({ name: providerName(s.provider), childName: barName(s.provider) }));
  // A legend entry is a swatch and a provider name; the longest names ("Custom (OpenAI-compatible)") take about 190 px.
  const itemsPerRow = Math.max(1, Math.floor((chartWidth - 60) / 190));
  const legendRows = Math.ceil(legendData.length / itemsPerRow);
  const padding = { top: 16, right: 16, left: 56, bottom: 56 + legendRows * LEGEND_ROW };
  // Victory sizes bars by the data's density, which leaves them thin; each day gets 70% of its slot.
  const slot = (chartWidth - padding.left - padding.right) / Math.max(1, days.length);
  const barWidth = Math.max(2, Math.floor(slot * 0.7));

  // Label about one day in seven on a wide chart, fewer on a narrow one; always today (the last day).
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(2, Math.floor((chartWidth - 72) / 64))));
  const tickValues: number[] = [];
  for (let x = days.length; x >= 1; x -= labelEvery) tickValues.unshift(x);

  const first = days[0];
  const last = days[days.length - 1];
  const title = "Tokens per day by provider";
  const description =
    first && last
      ? `Input plus output tokens per day from ${formatDay(first, locale)} to ${formatDay(last, locale)} (UTC days), ` +
        `stacked by provider. ${series
          .map((s) => `${providerName(s.provider)}: ${formatCount(s.total, locale)} tokens.`)
          .join(" ")} The table below lists the same usage by day, provider, model and key source.`
      : title;

  return (
    <div ref={containerRef} className="byok-usage-chart" data-testid="usage-chart">
      <Chart
        ariaTitle={title}
        ariaDesc={description}
        containerComponent={
          <CursorVoronoiContainer
            cursorDimension="x"
            labels={({ datum }: { datum: BarDatum }) => formatCount(datum.y, locale)}
            labelComponent={
              <ChartLegendTooltip
                legendData={legendData}
                // PatternFly calls title with the datum itself, not Victory's callback arguments.
                title={((datum: BarDatum) => formatDay(dayOf(datum.x), locale)) as unknown as () => string}
              />
            }
            mouseFollowTooltips
            voronoiDimension="x"
            voronoiPadding={padding}
          />
        }
        // Half a day's slot before the first day and after today, so their bars are not cut at the axes' ends.
        domain={{ x: [1, Math.max(1, days.length)] }}
        domainPadding={{ x: [slot / 2, slot / 2] }}
        legendData={legendData}
        legendPosition="bottom-left"
        // Rows of legend entries as counted above, so the chart's height leaves room for exactly them.
        legendComponent={<ChartLegend itemsPerRow={itemsPerRow} />}
        height={HEIGHT + legendRows * LEGEND_ROW}
        width={chartWidth}
        padding={padding}
        themeColor={ChartThemeColor.multiOrdered}
        name="byok-usage"
      >
        <ChartAxis tickValues={tickValues} tickFormat={(x: number) => formatShortDay(dayOf(x), locale)} />
        <ChartAxis dependentAxis showGrid tickFormat={(y: number) => formatCompact(y, locale)} />
        <ChartStack>
          {series.map((s) => (
            <ChartBar
              key={s.provider}
              name={barName(s.provider)}
              barWidth={barWidth}
              dataComponent={<TaggedBar />}
              data={s.tokens.map(
                (y, i): BarDatum => ({ x: i + 1, y, name: providerName(s.provider), provider: s.provider, day: days[i]! }),
              )}
            />
          ))}
        </ChartStack>
      </Chart>
    </div>
  );
};
