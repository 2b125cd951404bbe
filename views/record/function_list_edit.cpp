#include "function_list_edit.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QRegularExpression>
#include <QStringListModel>

namespace kestrel {
namespace {

// Where the word being typed begins.
qsizetype lastWordStart(const QString& text) {
    qsizetype i = text.size();
    while (i > 0 && !text[i - 1].isSpace() && text[i - 1] != ',') --i;
    return i;
}

}  // namespace

FunctionListEdit::FunctionListEdit(QWidget* parent) : QLineEdit(parent) {
    connect(this, &QLineEdit::textEdited, this, &FunctionListEdit::completeLastWord);
}

void FunctionListEdit::setFunctions(QStringListModel* sortedNames) {
    delete m_completer;
    m_completer = new QCompleter(sortedNames, this);
    m_completer->setCaseSensitivity(Qt::CaseSensitive);
    m_completer->setModelSorting(QCompleter::CaseSensitivelySortedModel);  // binary search
    m_completer->setMaxVisibleItems(12);
    m_completer->setWidget(this);
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
            &FunctionListEdit::insertCompletion);
}

std::vector<std::string> FunctionListEdit::values() const {
    std::vector<std::string> out;
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    for (const QString& w : text().split(separators, Qt::SkipEmptyParts))
        out.push_back(w.toStdString());
    return out;
}

void FunctionListEdit::setValues(const std::vector<std::string>& values) {
    QStringList words;
    for (const std::string& v : values) words << QString::fromStdString(v);
    setText(words.join(' '));
}

void FunctionListEdit::completeLastWord() {
    if (!m_completer) return;
    const QString prefix = text().mid(lastWordStart(text()));
    if (prefix.size() < 2 || prefix.contains('*')) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(prefix);
    m_completer->complete();
}

void FunctionListEdit::insertCompletion(const QString& name) {
    setText(text().left(lastWordStart(text())) + name);
}

}  // namespace kestrel
