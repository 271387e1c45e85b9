import { Text, View } from 'react-native';

/**
 * The generated notice (Markdown with headings, paragraphs and bullets) as plain native text; the
 * few forms the generator writes are all that is handled.
 */
export function NoticeView({ markdown }: { readonly markdown: string }) {
  const blocks = markdown.split('\n').filter((line) => line.trim() !== '');
  return (
    <View style={{ gap: 6 }}>
      {blocks.map((line, i) =>
        line.startsWith('# ') ? (
          <Text key={i} style={{ fontSize: 20, fontWeight: '700' }}>{line.slice(2)}</Text>
        ) : line.startsWith('## ') ? (
          <Text key={i} style={{ fontSize: 16, fontWeight: '600', marginTop: 6 }}>{line.slice(3)}</Text>
        ) : line.startsWith('- ') ? (
          <Text key={i}>{`• ${line.slice(2)}`}</Text>
        ) : (
          <Text key={i}>{line}</Text>
        ),
      )}
    </View>
  );
}
